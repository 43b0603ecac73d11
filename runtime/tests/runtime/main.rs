//! Runtime behaviour, proven through mssqlx-mock (a real TDS server on loopback).

mod common;

mod cancellation;
mod executor;
mod fault_matrix;
mod pool;
mod retry;
mod routing;
mod tracing_spans;
mod transactions;
