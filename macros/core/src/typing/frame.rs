//! Window frames, as far as nullability cares: can the frame of an aggregate with
//! `OVER (...)` be empty?
//!
//! An aggregate over an empty frame is NULL (`SUM`, `MAX`, `FIRST_VALUE`, ...). Without
//! a frame clause the frame always holds the current row (the whole partition, or
//! `RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW` with `ORDER BY`); an explicit
//! frame holds it when it starts at or before the current row and ends at or after it.
//!
//! ```
//! use mssqlx_macros_core::typing::Frame;
//! use sqlparser::ast::{WindowFrame, WindowFrameBound, WindowFrameUnits, WindowSpec, WindowType};
//! let mut spec = WindowSpec { window_name: None, partition_by: vec![], order_by: vec![], window_frame: None };
//! assert_eq!(Frame::of(&WindowType::WindowSpec(spec.clone())), Frame::ContainsCurrentRow);
//! spec.window_frame = Some(WindowFrame {
//!     units: WindowFrameUnits::Rows,
//!     start_bound: WindowFrameBound::Following(None),
//!     end_bound: None,
//! });
//! assert_eq!(Frame::of(&WindowType::WindowSpec(spec)), Frame::Unknown);
//! ```

use sqlparser::ast::{WindowFrameBound, WindowType};

/// What is known about the window frame of an aggregate with `OVER`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Frame {
    /// Nothing: the frame may exclude the current row and be empty.
    #[default]
    Unknown,
    /// The frame holds the current row, so it is never empty.
    ContainsCurrentRow,
}

impl Frame {
    /// The frame of an `OVER (...)` clause. A named window (`OVER w`) is [`Frame::Unknown`].
    pub fn of(over: &WindowType) -> Frame {
        let WindowType::WindowSpec(spec) = over else {
            return Frame::Unknown;
        };
        let Some(frame) = &spec.window_frame else {
            return Frame::ContainsCurrentRow;
        };
        // `ROWS 2 PRECEDING` is `ROWS BETWEEN 2 PRECEDING AND CURRENT ROW`.
        let end = frame
            .end_bound
            .as_ref()
            .unwrap_or(&WindowFrameBound::CurrentRow);
        let starts_before = matches!(
            frame.start_bound,
            WindowFrameBound::CurrentRow | WindowFrameBound::Preceding(_)
        );
        let ends_after = matches!(
            end,
            WindowFrameBound::CurrentRow | WindowFrameBound::Following(_)
        );
        if starts_before && ends_after {
            Frame::ContainsCurrentRow
        } else {
            Frame::Unknown
        }
    }
}
