"""Reading received files: the worker pool that archives and reads each file within caps."""
