//! Any string yields errors, never a panic, a hang or a stack overflow.
//!
//! A proc macro calls the analyzer; a panic there is an ICE-like failure for the user.
//! Deep inputs are run on a thread with a known, small stack (the 2 MiB Rust gives test
//! threads and many proc-macro hosts), so a regression shows as a crash here.

mod common;

use std::time::{Duration, Instant};

use mssqlx_macros_core::describe;

/// Runs `describe` on a 2 MiB stack and returns the error messages (panics on success).
fn errors_of(sql: String) -> Vec<String> {
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let snap = common::snapshot();
            let start = Instant::now();
            let r = describe(&snap, "default", &sql);
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "took {:?}",
                start.elapsed()
            );
            match r {
                Ok(_) => Vec::new(),
                Err(e) => {
                    for err in &e {
                        assert!(err.offset <= sql.len() && err.offset + err.len <= sql.len());
                        assert!(sql.is_char_boundary(err.offset));
                    }
                    e.into_iter().map(|e| e.message).collect()
                }
            }
        })
        .expect("thread starts");
    handle.join().expect("describe must not panic or overflow")
}

#[test]
fn empty_and_blank_statements_are_errors() {
    for sql in ["", "   ", "\n\t", "-- only a comment", "/* block */", ";"] {
        assert!(!errors_of(sql.to_string()).is_empty(), "{sql:?}");
    }
}

#[test]
fn binary_garbage_is_an_error() {
    let garbage: String = (0u32..2000)
        .map(|i| char::from_u32((i * 7919) % 0xD7FF).unwrap_or('?'))
        .collect();
    assert!(!errors_of(garbage).is_empty());
    assert!(!errors_of("\u{0}\u{1}\u{FFFF}\u{10FFFF}".into()).is_empty());
}

#[test]
fn unterminated_literals_and_comments_are_errors() {
    for sql in [
        "SELECT 'abc",
        "SELECT N'abc",
        "SELECT [abc",
        "SELECT \"abc",
        "SELECT 1 /* never closed",
    ] {
        assert!(!errors_of(sql.to_string()).is_empty(), "{sql:?}");
    }
}

#[test]
fn a_megabyte_of_nested_parentheses_is_an_error() {
    let sql = format!("SELECT {}1{}", "(".repeat(500_000), ")".repeat(500_000));
    assert!(!errors_of(sql).is_empty());
    let sql = format!("SELECT {}", "(".repeat(1_000_000));
    assert!(!errors_of(sql).is_empty());
}

#[test]
fn nesting_just_past_the_parser_limit_is_an_error() {
    let sql = format!("SELECT {}1{}", "(".repeat(100), ")".repeat(100));
    let e = errors_of(sql);
    assert!(e.iter().any(|m| m.contains("nests too deeply")), "{e:?}");
}

#[test]
fn deeply_nested_subqueries_are_an_error() {
    let mut sql = "SELECT Id FROM dbo.Users".to_string();
    for _ in 0..200 {
        sql = format!("SELECT Id FROM ({sql}) t");
    }
    assert!(!errors_of(sql).is_empty());
}

#[test]
fn every_nesting_depth_the_parser_accepts_is_walked_safely() {
    for depth in 1..40 {
        let mut sql = "SELECT Id FROM dbo.Users".to_string();
        let mut scalar = "1".to_string();
        for _ in 0..depth {
            sql = format!("SELECT Id FROM ({sql}) t");
            scalar = format!("(SELECT {scalar} + 1 AS x)");
        }
        let _ = errors_of(sql);
        let _ = errors_of(format!("SELECT {scalar} AS v"));
        let _ = errors_of(format!(
            "SELECT {}1{} AS v",
            "CASE WHEN 1 = 1 THEN ".repeat(depth),
            " END".repeat(depth)
        ));
    }
}

#[test]
fn long_operator_chains_do_not_overflow_the_stack() {
    // The parser builds `1+1+...` without recursion; walking or dropping the tree
    // recurses, so the analyzer bounds both.
    for n in [300, 1_000, 9_000, 50_000] {
        let sql = format!("SELECT 1{}", "+1".repeat(n));
        assert!(!errors_of(sql).is_empty(), "{n}");
    }
    let sql = format!(
        "SELECT Id FROM dbo.Users WHERE {}",
        vec!["Id = 1"; 5_000].join(" OR ")
    );
    assert!(!errors_of(sql).is_empty());
}

#[test]
fn chains_and_nesting_just_under_the_limits_are_checked() {
    // 199 operators, inside 30 parentheses: the deepest tree the limits allow.
    let chain = format!("{}1{}", "(".repeat(30), ")".repeat(30));
    let sql = format!(
        "SELECT Id FROM dbo.Users WHERE Id = {chain}{}",
        " + 1".repeat(198)
    );
    assert!(errors_of(sql).is_empty());
    let sql = format!(
        "SELECT Id FROM dbo.Users WHERE {}",
        vec!["Id = 1"; 66].join(" OR ")
    );
    assert!(errors_of(sql).is_empty());
}

#[test]
fn a_long_but_shallow_statement_is_still_checked() {
    let cols = vec!["Id"; 2000].join(", ");
    assert!(errors_of(format!("SELECT {cols} FROM dbo.Users")).is_empty());
}

#[test]
fn odd_but_valid_unicode_positions_stay_on_char_boundaries() {
    let e = errors_of("SELECT 'é' AS [ü], Nöpe FROM dbo.Users".to_string());
    assert_eq!(e, vec!["unknown column `Nöpe`".to_string()]);
}

/// A small deterministic fuzzer over T-SQL tokens, run by `cargo test` (the cargo-fuzz
/// target under `fuzz/` explores further).
#[test]
fn token_soup_never_panics() {
    const WORDS: &[&str] = &[
        "SELECT",
        "FROM",
        "WHERE",
        "JOIN",
        "LEFT",
        "ON",
        "GROUP",
        "BY",
        "ORDER",
        "HAVING",
        "UNION",
        "ALL",
        "INSERT",
        "INTO",
        "VALUES",
        "UPDATE",
        "SET",
        "DELETE",
        "MERGE",
        "USING",
        "WHEN",
        "MATCHED",
        "THEN",
        "OUTPUT",
        "INSERTED.*",
        "EXEC",
        "WITH",
        "AS",
        "CASE",
        "END",
        "ELSE",
        "TOP",
        "(",
        ")",
        ",",
        "*",
        "+",
        "-",
        "=",
        "<",
        "@p1",
        "@p2",
        "NULL",
        "1",
        "2.5",
        "'x'",
        "N'y'",
        "0x0F",
        "dbo.Users",
        "dbo.Orders",
        "Id",
        "Email",
        "u",
        "o.Total",
        "COUNT(*)",
        "SUM(",
        "OVER",
        "(ORDER BY Id)",
        "OPENJSON(",
        "FOR",
        "JSON",
        "PATH",
        "CROSS",
        "APPLY",
        "dbo.ActiveUsers",
        "dbo.Loop1",
        "IS",
        "NOT",
        "IN",
        "EXISTS",
        "BETWEEN",
        "AND",
        "OR",
        ";",
        "$action",
        "[x!]",
        "OFFSET",
        "ROWS",
        "FETCH",
        "NEXT",
        "ONLY",
        "PIVOT",
        "nodes(",
    ];
    let snap = common::snapshot();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..3000 {
        let n = (next() % 24) as usize;
        let mut sql = String::from("SELECT ");
        for _ in 0..n {
            sql.push_str(WORDS[(next() % WORDS.len() as u64) as usize]);
            sql.push(' ');
        }
        if let Err(errors) = describe(&snap, "default", &sql) {
            for e in &errors {
                assert!(e.offset + e.len <= sql.len(), "{sql}: {e:?}");
            }
        }
    }
}
