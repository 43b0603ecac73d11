//! Datepart keywords (`DATEADD(day, ...)`, `DATEDIFF(mi, ...)`) and which functions and
//! types take them (R26).

use mssqlx_offline::SqlType;

use super::catalog::Parts;
use crate::typing::TypingError;

/// A datepart: its canonical name and the abbreviations SQL Server accepts.
struct Datepart {
    name: &'static str,
    aliases: &'static [&'static str],
    /// Part of the date (year .. weekday), not of the time of day.
    date: bool,
}

const DATEPARTS: &[Datepart] = &[
    Datepart {
        name: "year",
        aliases: &["yy", "yyyy"],
        date: true,
    },
    Datepart {
        name: "quarter",
        aliases: &["qq", "q"],
        date: true,
    },
    Datepart {
        name: "month",
        aliases: &["mm", "m"],
        date: true,
    },
    Datepart {
        name: "dayofyear",
        aliases: &["dy", "y"],
        date: true,
    },
    Datepart {
        name: "day",
        aliases: &["dd", "d"],
        date: true,
    },
    Datepart {
        name: "week",
        aliases: &["wk", "ww"],
        date: true,
    },
    Datepart {
        name: "weekday",
        aliases: &["dw", "w"],
        date: true,
    },
    Datepart {
        name: "iso_week",
        aliases: &["isowk", "isoww"],
        date: true,
    },
    Datepart {
        name: "hour",
        aliases: &["hh"],
        date: false,
    },
    Datepart {
        name: "minute",
        aliases: &["mi", "n"],
        date: false,
    },
    Datepart {
        name: "second",
        aliases: &["ss", "s"],
        date: false,
    },
    Datepart {
        name: "millisecond",
        aliases: &["ms"],
        date: false,
    },
    Datepart {
        name: "microsecond",
        aliases: &["mcs"],
        date: false,
    },
    Datepart {
        name: "nanosecond",
        aliases: &["ns"],
        date: false,
    },
    Datepart {
        name: "tzoffset",
        aliases: &["tz"],
        date: false,
    },
];

/// The dateparts each family of functions refuses.
const REFUSED: &[(Parts, &[&str])] = &[
    (Parts::Add, &["tzoffset", "iso_week"]),
    (Parts::All, &[]),
    (Parts::Trunc, &["weekday", "nanosecond", "tzoffset"]),
    (
        Parts::Bucket,
        &[
            "dayofyear",
            "weekday",
            "iso_week",
            "microsecond",
            "nanosecond",
            "tzoffset",
        ],
    ),
];

/// The canonical name of the datepart `keyword` if `function` accepts it.
pub(crate) fn check(
    function: &str,
    parts: Parts,
    keyword: &str,
) -> Result<&'static str, TypingError> {
    let k = keyword.trim().trim_matches(['[', ']', '"']);
    let Some(part) = DATEPARTS.iter().find(|p| {
        p.name.eq_ignore_ascii_case(k) || p.aliases.iter().any(|a| a.eq_ignore_ascii_case(k))
    }) else {
        return Err(TypingError::new(format!(
            "`{keyword}` is not a datepart {function} knows"
        ))
        .with_help("use one of year, quarter, month, dayofyear, day, week, weekday, hour, minute, second, millisecond, microsecond, nanosecond (or their abbreviations yy, qq, mm, dy, dd, wk, dw, hh, mi, ss, ms, mcs, ns)"));
    };
    let refused = REFUSED
        .iter()
        .find(|(p, _)| *p == parts)
        .map_or(&[][..], |(_, r)| *r);
    if refused.contains(&part.name) {
        return Err(TypingError::new(format!(
            "{function} does not accept the datepart {}",
            part.name
        ))
        .with_help("DATEPART and DATENAME accept every datepart; see the function's documentation for the others"));
    }
    Ok(part.name)
}

/// Whether DATEADD's datepart suits the date's type: no time parts for `date`, no date
/// parts for `time`, no microsecond / nanosecond for date, datetime, smalldatetime.
pub(crate) fn fits_type(
    function: &str,
    part: &'static str,
    ty: &SqlType,
) -> Result<(), TypingError> {
    let Some(p) = DATEPARTS.iter().find(|p| p.name == part) else {
        return Ok(());
    };
    let too_fine = matches!(part, "microsecond" | "nanosecond")
        && matches!(
            ty,
            SqlType::Date | SqlType::DateTime | SqlType::SmallDateTime
        );
    let wrong = match ty {
        SqlType::Date => !p.date,
        SqlType::Time(_) => p.date,
        _ => false,
    };
    if too_fine || wrong {
        return Err(TypingError::new(format!(
            "the datepart {part} is not supported by {function} for data type {ty}"
        ))
        .with_help(if too_fine {
            "CAST the value to datetime2 to work with fractions of a millisecond"
        } else {
            "CAST the value to datetime2 to mix date and time parts"
        }));
    }
    Ok(())
}
