//! Errors point at the culprit: byte offsets into the SQL the user wrote, rendered as
//! rustc renders code.

mod common;

use mssqlx_macros_core::render::render_errors;
use mssqlx_macros_core::{describe, AnalyzeError};

fn errors(sql: &str) -> Vec<AnalyzeError> {
    describe(&common::snapshot(), "default", sql).expect_err("should fail")
}

/// The text each error underlines.
fn culprits(sql: &str) -> Vec<String> {
    errors(sql)
        .iter()
        .map(|e| sql[e.offset..e.offset + e.len].to_string())
        .collect()
}

#[test]
fn unknown_column_points_at_the_column_and_suggests_a_near_name() {
    let sql = "SELECT Id, Emial FROM dbo.Users";
    let e = errors(sql);
    assert_eq!(culprits(sql), ["Emial"]);
    assert_eq!(e[0].suggestion.as_deref(), Some("Email"));
}

#[test]
fn unknown_qualified_column_points_at_the_column_name() {
    assert_eq!(culprits("SELECT u.Emial FROM dbo.Users u"), ["Emial"]);
}

#[test]
fn unknown_table_points_at_the_name_with_a_suggestion() {
    let sql = "SELECT 1 FROM dbo.Order";
    let e = errors(sql);
    assert_eq!(culprits(sql), ["dbo.Order"]);
    assert_eq!(e[0].suggestion.as_deref(), Some("dbo.Orders"));
}

#[test]
fn every_error_of_a_statement_is_reported_at_once() {
    let sql = "SELECT Nope1, Nope2 FROM dbo.Users WHERE Nope3 = 1";
    assert_eq!(culprits(sql), ["Nope1", "Nope2", "Nope3"]);
}

#[test]
fn errors_on_later_lines_have_the_right_offset() {
    let sql = "SELECT Id,\r\n       Email,\n       Nope\nFROM dbo.Users";
    assert_eq!(culprits(sql), ["Nope"]);
}

#[test]
fn syntax_errors_carry_the_offset_of_the_unexpected_token() {
    let sql = "SELECT Id\nFROM dbo.Users\nWHERE Id = = 1";
    let e = errors(sql);
    assert!(e[0].message.starts_with("syntax error"), "{}", e[0].message);
    assert_eq!(&sql[e[0].offset..e[0].offset + 1], "=");
    assert!(e[0].offset > sql.find("WHERE").unwrap());
}

#[test]
fn an_ungrouped_column_points_at_its_use() {
    assert_eq!(
        culprits("SELECT UserId, Status FROM dbo.Orders GROUP BY UserId"),
        ["Status"]
    );
}

#[test]
fn a_parameter_used_with_two_types_points_at_the_second_use() {
    let sql = "SELECT Id FROM dbo.Users WHERE Id = @p1 OR Email = @p1";
    let e = errors(sql);
    assert_eq!(e[0].offset, sql.rfind("@p1").unwrap());
    assert!(e[0].help.as_deref().unwrap().contains("CAST"));
}

#[test]
fn an_untyped_parameter_suggests_a_cast() {
    let e = errors("SELECT @p1 AS x");
    assert!(e[0].help.as_deref().unwrap().contains("CAST(@p1 AS"));
}

#[test]
fn a_view_that_cannot_be_typed_is_reported_where_it_is_used() {
    let sql = "SELECT * FROM dbo.Broken";
    assert_eq!(culprits(sql), ["dbo.Broken"]);
}

#[test]
fn rendering_draws_the_statement_with_a_caret_line_and_the_hint() {
    let sql = "SELECT Emial FROM dbo.Users";
    let text = render_errors(sql, &errors(sql));
    assert!(text.contains("error: unknown column `Emial`"), "{text}");
    assert!(text.contains("1 | SELECT Emial FROM dbo.Users"), "{text}");
    assert!(text.contains("^^^^^ did you mean `Email`?"), "{text}");
}

#[test]
fn rendering_shows_help_and_never_panics_on_odd_ranges() {
    let sql = "SELECT @p1 AS x";
    let text = render_errors(sql, &errors(sql));
    assert!(text.contains("help: state it"), "{text}");
    let odd = [
        AnalyzeError::new("past the end", 999, 5),
        AnalyzeError::new("inside a char", 8, 1),
    ];
    let _ = render_errors("SELECT 'é'", &odd);
    let _ = render_errors("", &odd);
}

#[test]
fn an_unknown_database_alias_lists_the_known_ones() {
    let e = describe(&common::snapshot(), "reportng", "SELECT 1").unwrap_err();
    assert_eq!(e[0].suggestion.as_deref(), Some("reporting"));
    assert!(e[0].help.as_deref().unwrap().contains("default"));
}
