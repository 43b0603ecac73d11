//! Building a snapshot from T-SQL DDL scripts (in progress).
