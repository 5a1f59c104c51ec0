"""The files a run writes for the office: workbooks (总台账, templates), Word documents (通报,
督办通知单, 移交纪委清单), feedback workbooks for returned files, and the leaders' reports."""
