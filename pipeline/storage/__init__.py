"""What the campaign keeps: the ledger (SQLite), its seal, the archive of received files, and the
guard that opens the ledger only when it can be trusted."""
