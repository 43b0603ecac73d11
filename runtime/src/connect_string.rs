//! Connection strings: ADO.NET (`Server=...;Database=...`) and URLs
//! (`mssql://user:pass@host:1433/db?...`).
//!
//! ADO.NET strings are parsed by tiberius (`Config::from_ado_string`); the pool
//! keys ADO.NET users know (`Max Pool Size`, `Min Pool Size`, `Connect Timeout`,
//! `Command Timeout`, `ConnectRetryCount`, `ConnectRetryInterval`) are read
//! too. The URL form takes the same settings as query parameters, in
//! snake_case or in their ADO.NET spelling:
//!
//! | parameter | meaning |
//! |---|---|
//! | `encrypt` | `true` (default: TLS required), `false` (TLS for login only), `strict`, `DANGER_PLAINTEXT` (no TLS at all; tests only) |
//! | `trust_server_certificate` | accept any server certificate (development only) |
//! | `application_name` | shown in `sys.dm_exec_sessions` |
//! | `application_intent` | `ReadOnly` routes to a readable secondary |
//! | `connect_timeout`, `command_timeout` | seconds |
//! | `max_pool_size`, `min_pool_size` | pool bounds |
//! | `connect_retries`, `connect_retry_backoff` | connect retries and their base delay in seconds (mssql-django's `connection_retries` / `connection_retry_backoff_time`) |
//!
//! Connections use TLS unless told otherwise (rustls; no OpenSSL). Passwords
//! never appear in `Debug` output or logs:
//!
//! ```
//! use mssqlx_runtime::ConnectOptions;
//!
//! let url: ConnectOptions = "mssql://app:s3cr%3Bt@db.example.com:1433/Shop?application_intent=ReadOnly"
//!     .parse()
//!     .unwrap();
//! assert_eq!(url.host(), "db.example.com");
//! assert_eq!(url.database(), Some("Shop"));
//! assert!(url.is_readonly());
//! assert!(!format!("{url:?}").contains("s3cr"));
//!
//! let ado: ConnectOptions = "Server=tcp:db.example.com,1433;Database=Shop;User Id=app;Password='x;y'"
//!     .parse()
//!     .unwrap();
//! assert_eq!(ado.port(), 1433);
//! assert!(!format!("{ado:?}").contains("x;y"));
//! ```

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use tiberius::{AuthMethod, Config, EncryptionLevel};

use crate::error::{Error, Result};

/// Where and how to connect: a parsed connection string.
#[derive(Clone)]
pub struct ConnectOptions {
    pub(crate) config: Config,
    host: String,
    port: u16,
    database: Option<String>,
    user: Option<String>,
    has_password: bool,
    encryption: EncryptionLevel,
    readonly: bool,
    pub(crate) settings: StringSettings,
}

/// Pool-related settings a connection string may carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StringSettings {
    pub connect_timeout: Option<Duration>,
    pub command_timeout: Option<Duration>,
    pub max_size: Option<u32>,
    pub min_idle: Option<u32>,
    pub connect_retries: Option<u32>,
    pub connect_retry_backoff: Option<Duration>,
}

impl fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("user", &self.user)
            .field(
                "password",
                &if self.has_password {
                    "<redacted>"
                } else {
                    "<none>"
                },
            )
            .field("encryption", &self.encryption)
            .field("readonly", &self.readonly)
            .field("settings", &self.settings)
            .finish()
    }
}

impl FromStr for ConnectOptions {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        ConnectOptions::parse(s)
    }
}

impl ConnectOptions {
    /// Parses an `mssql://` / `sqlserver://` URL, a `jdbc:sqlserver://` string or
    /// an ADO.NET connection string.
    pub fn parse(s: &str) -> Result<Self> {
        let trimmed = s.trim();
        let lower = trimmed.to_ascii_lowercase();
        if lower.starts_with("mssql://") || lower.starts_with("sqlserver://") {
            parse_url(trimmed)
        } else if lower.starts_with("jdbc:") {
            let config = Config::from_jdbc_string(trimmed).map_err(parse_error)?;
            Ok(ConnectOptions::from_parts(
                config,
                Default::default(),
                None,
                false,
                false,
            ))
        } else {
            parse_ado(trimmed)
        }
    }

    /// Wraps a tiberius `Config` built by hand.
    pub fn from_config(config: Config) -> Self {
        ConnectOptions::from_parts(config, Default::default(), None, false, false)
    }

    fn from_parts(
        config: Config,
        settings: StringSettings,
        user: Option<String>,
        has_password: bool,
        readonly: bool,
    ) -> Self {
        let addr = config.get_addr();
        let (host, port) = split_addr(&addr);
        ConnectOptions {
            config,
            host,
            port,
            database: None,
            user,
            has_password,
            encryption: EncryptionLevel::Required,
            readonly,
            settings,
        }
    }

    /// The server host name.
    pub fn host(&self) -> &str {
        &self.host
    }
    /// The server TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }
    /// The initial database, if set.
    pub fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }
    /// The login name, if SQL authentication is used.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }
    /// True if `ApplicationIntent=ReadOnly`.
    pub fn is_readonly(&self) -> bool {
        self.readonly
    }
    /// The TLS level.
    pub fn encryption(&self) -> EncryptionLevel {
        self.encryption
    }

    /// Sets `ApplicationIntent=ReadOnly` (read replicas).
    pub fn readonly(mut self, readonly: bool) -> Self {
        self.readonly = readonly;
        self.config.readonly(readonly);
        self
    }

    /// Sets the initial database.
    pub fn with_database(mut self, database: &str) -> Self {
        self.database = Some(database.to_string());
        self.config.database(database);
        self
    }

    /// Sets the TLS level (`EncryptionLevel::NotSupported` = plaintext, for tests).
    pub fn with_encryption(mut self, level: EncryptionLevel) -> Self {
        self.encryption = level;
        self.config.encryption(level);
        self
    }

    /// The same options pointing at another address (gateway redirect).
    pub(crate) fn redirected(&self, host: &str, port: u16) -> Config {
        let mut config = self.config.clone();
        config.host(host);
        config.port(port);
        config
    }

    /// `host:port`.
    pub fn addr(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

fn parse_error(e: tiberius::error::Error) -> Error {
    Error::ConnectString(e.to_string())
}

fn split_addr(addr: &str) -> (String, u16) {
    match addr.rsplit_once(':') {
        Some((h, p)) => (
            h.trim_start_matches('[').trim_end_matches(']').to_string(),
            p.parse().unwrap_or(1433),
        ),
        None => (addr.to_string(), 1433),
    }
}

// ---------------------------------------------------------------- ADO.NET

fn parse_ado(s: &str) -> Result<ConnectOptions> {
    let config = Config::from_ado_string(s).map_err(parse_error)?;
    let pairs = ado_pairs(s)?;
    let get = |keys: &[&str]| keys.iter().find_map(|k| pairs.get(*k).cloned());
    let settings = StringSettings {
        connect_timeout: secs(get(&["connect timeout", "connection timeout", "timeout"]))?,
        command_timeout: secs(get(&["command timeout"]))?,
        max_size: num(get(&["max pool size"]))?,
        min_idle: num(get(&["min pool size"]))?,
        connect_retries: num(get(&["connectretrycount", "connect retry count"]))?,
        connect_retry_backoff: secs(get(&["connectretryinterval", "connect retry interval"]))?,
    };
    let user = get(&["uid", "username", "user", "user id"]);
    let has_password = get(&["password", "pwd"]).is_some();
    let readonly = get(&["applicationintent", "application intent"])
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("readonly"));
    let mut opts = ConnectOptions::from_parts(config, settings, user, has_password, readonly);
    opts.config.readonly(readonly);
    opts.database = get(&["database", "initial catalog", "databasename"]);
    opts.encryption = match get(&["encrypt"]) {
        None => EncryptionLevel::Required,
        Some(v) => encryption_level(&v)?,
    };
    Ok(opts)
}

/// Splits an ADO.NET string into lower-cased keys and unquoted values.
/// Values may be quoted with `'...'`, `"..."` (doubled quote = literal) or `{...}`.
fn ado_pairs(s: &str) -> Result<HashMap<String, String>> {
    let mut pairs = HashMap::new();
    let mut chars = s.chars().peekable();
    loop {
        // key
        let mut key = String::new();
        for c in chars.by_ref() {
            if c == '=' {
                break;
            }
            key.push(c);
        }
        let key = key.trim().to_ascii_lowercase();
        // value
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        match chars.peek().copied() {
            Some(q @ ('\'' | '"' | '{')) => {
                chars.next();
                let close = if q == '{' { '}' } else { q };
                loop {
                    match chars.next() {
                        Some(c) if c == close => {
                            if chars.peek() == Some(&close) {
                                chars.next();
                                value.push(close);
                            } else {
                                break;
                            }
                        }
                        Some(c) => value.push(c),
                        None => {
                            return Err(Error::ConnectString(format!(
                                "unterminated quoted value for key `{key}`"
                            )))
                        }
                    }
                }
                // skip to the separator
                for c in chars.by_ref() {
                    if c == ';' {
                        break;
                    }
                }
            }
            _ => {
                for c in chars.by_ref() {
                    if c == ';' {
                        break;
                    }
                    value.push(c);
                }
                value = value.trim().to_string();
            }
        }
        if !key.is_empty() {
            pairs.insert(key, value);
        }
        if chars.peek().is_none() {
            break;
        }
    }
    Ok(pairs)
}

fn secs(v: Option<String>) -> Result<Option<Duration>> {
    v.map(|v| {
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| Error::ConnectString(format!("`{v}` is not a number of seconds")))
    })
    .transpose()
}

fn num(v: Option<String>) -> Result<Option<u32>> {
    v.map(|v| {
        v.trim()
            .parse::<u32>()
            .map_err(|_| Error::ConnectString(format!("`{v}` is not a whole number")))
    })
    .transpose()
}

fn boolean(v: &str) -> Result<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(Error::ConnectString(format!("`{v}` is not true or false"))),
    }
}

fn encryption_level(v: &str) -> Result<EncryptionLevel> {
    if v == "DANGER_PLAINTEXT" {
        return Ok(EncryptionLevel::NotSupported);
    }
    if v.eq_ignore_ascii_case("strict") || v.eq_ignore_ascii_case("mandatory") {
        return Ok(EncryptionLevel::Required);
    }
    if v.eq_ignore_ascii_case("optional") {
        return Ok(EncryptionLevel::Off);
    }
    Ok(if boolean(v)? {
        EncryptionLevel::Required
    } else {
        EncryptionLevel::Off
    })
}

// ---------------------------------------------------------------- URL

fn percent_decode(s: &str) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz");
                let b = u8::from_str_radix(hex, 16).map_err(|_| {
                    Error::ConnectString("invalid %-escape in connection URL".into())
                })?;
                out.push(b);
                i += 3;
            }
            b'%' => {
                return Err(Error::ConnectString(
                    "invalid %-escape in connection URL".into(),
                ))
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
        .map_err(|_| Error::ConnectString("connection URL is not valid UTF-8".into()))
}

fn parse_url(s: &str) -> Result<ConnectOptions> {
    let rest = &s[s.find("://").map(|i| i + 3).unwrap_or(0)..];
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match rest.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (rest, None),
    };
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (host, port) = if let Some(stripped) = hostport.strip_prefix('[') {
        let (h, after) = stripped
            .split_once(']')
            .ok_or_else(|| Error::ConnectString("unclosed `[` in IPv6 host".into()))?;
        (h.to_string(), after.strip_prefix(':'))
    } else {
        match hostport.split_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (hostport.to_string(), None),
        }
    };
    if host.is_empty() {
        return Err(Error::ConnectString("the URL names no host".into()));
    }
    let port = match port {
        Some(p) => p
            .parse::<u16>()
            .map_err(|_| Error::ConnectString(format!("`{p}` is not a port number")))?,
        None => 1433,
    };
    let mut config = Config::new();
    config.host(&host);
    config.port(port);

    let mut user = None;
    let mut has_password = false;
    if let Some(info) = userinfo {
        let (u, p) = match info.split_once(':') {
            Some((u, p)) => (percent_decode(u)?, Some(percent_decode(p)?)),
            None => (percent_decode(info)?, None),
        };
        has_password = p.is_some();
        config.authentication(AuthMethod::sql_server(&u, p.unwrap_or_default()));
        user = Some(u);
    }
    let database = match path.filter(|p| !p.is_empty()) {
        Some(p) => {
            let db = percent_decode(p)?;
            config.database(&db);
            Some(db)
        }
        None => None,
    };

    let mut settings = StringSettings::default();
    let mut encryption = EncryptionLevel::Required;
    let mut readonly = false;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, "true"));
        let key = percent_decode(k)?
            .to_ascii_lowercase()
            .replace([' ', '_', '-'], "");
        let value = percent_decode(v)?;
        match key.as_str() {
            "encrypt" => encryption = encryption_level(&value)?,
            "trustservercertificate" => {
                if boolean(&value)? {
                    config.trust_cert();
                }
            }
            "applicationname" | "appname" => config.application_name(&value),
            "applicationintent" => readonly = value.eq_ignore_ascii_case("readonly"),
            "connecttimeout" | "connectiontimeout" => {
                settings.connect_timeout = secs(Some(value))?
            }
            "commandtimeout" => settings.command_timeout = secs(Some(value))?,
            "maxpoolsize" | "maxsize" => settings.max_size = num(Some(value))?,
            "minpoolsize" | "minidle" => settings.min_idle = num(Some(value))?,
            "connectretries" | "connectionretries" | "connectretrycount" => {
                settings.connect_retries = num(Some(value))?
            }
            "connectretrybackoff" | "connectionretrybackofftime" | "connectretryinterval" => {
                settings.connect_retry_backoff = secs(Some(value))?
            }
            "multisubnetfailover" => config.multi_subnet_failover(boolean(&value)?),
            "hostnameincertificate" => config.hostname_in_certificate(&value),
            _ => {
                return Err(Error::ConnectString(format!(
                    "unknown URL parameter `{k}` (known: encrypt, trust_server_certificate, application_name, application_intent, connect_timeout, command_timeout, max_pool_size, min_pool_size, connect_retries, connect_retry_backoff, multi_subnet_failover, hostname_in_certificate)"
                )))
            }
        }
    }
    config.encryption(encryption);
    config.readonly(readonly);
    let mut opts = ConnectOptions::from_parts(config, settings, user, has_password, readonly);
    opts.host = host;
    opts.port = port;
    opts.database = database;
    opts.encryption = encryption;
    Ok(opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_form_carries_user_host_port_database_and_pool_settings() {
        let o = ConnectOptions::parse(
            "mssql://sa:p%40ss@127.0.0.1:14330/Shop?encrypt=DANGER_PLAINTEXT&max_pool_size=7&min_pool_size=2&connect_timeout=3&command_timeout=1.5&connection_retries=4&connection_retry_backoff_time=0.5",
        )
        .unwrap();
        assert_eq!(o.host(), "127.0.0.1");
        assert_eq!(o.port(), 14330);
        assert_eq!(o.database(), Some("Shop"));
        assert_eq!(o.user(), Some("sa"));
        assert_eq!(o.encryption(), EncryptionLevel::NotSupported);
        assert_eq!(o.settings.max_size, Some(7));
        assert_eq!(o.settings.min_idle, Some(2));
        assert_eq!(o.settings.connect_timeout, Some(Duration::from_secs(3)));
        assert_eq!(
            o.settings.command_timeout,
            Some(Duration::from_millis(1500))
        );
        assert_eq!(o.settings.connect_retries, Some(4));
        assert_eq!(
            o.settings.connect_retry_backoff,
            Some(Duration::from_millis(500))
        );
        assert_eq!(o.config.get_addr(), "127.0.0.1:14330");
    }

    #[test]
    fn url_defaults_to_port_1433_and_tls_required() {
        let o = ConnectOptions::parse("sqlserver://db.example.com").unwrap();
        assert_eq!(o.port(), 1433);
        assert_eq!(o.encryption(), EncryptionLevel::Required);
        assert_eq!(o.database(), None);
    }

    #[test]
    fn url_ipv6_host() {
        let o = ConnectOptions::parse("mssql://[::1]:1500/db").unwrap();
        assert_eq!(o.host(), "::1");
        assert_eq!(o.port(), 1500);
    }

    #[test]
    fn url_unknown_parameter_is_named_in_the_error() {
        let e = ConnectOptions::parse("mssql://h/db?pool_sise=3").unwrap_err();
        assert!(e.to_string().contains("pool_sise"), "{e}");
    }

    #[test]
    fn url_bad_port_is_an_error() {
        assert!(ConnectOptions::parse("mssql://h:99999/db").is_err());
    }

    #[test]
    fn ado_string_carries_pool_keys_and_application_intent() {
        let o = ConnectOptions::parse(
            "Server=tcp:sql.example.com,1533;Initial Catalog=Shop;User ID=app;Password=\"se;cr\"\"et\";Max Pool Size=20;Min Pool Size=1;Connect Timeout=5;Command Timeout=9;ConnectRetryCount=3;ConnectRetryInterval=2;ApplicationIntent=ReadOnly;Encrypt=false",
        )
        .unwrap();
        assert_eq!(o.host(), "sql.example.com");
        assert_eq!(o.port(), 1533);
        assert_eq!(o.database(), Some("Shop"));
        assert_eq!(o.user(), Some("app"));
        assert!(o.is_readonly());
        assert_eq!(o.encryption(), EncryptionLevel::Off);
        assert_eq!(o.settings.max_size, Some(20));
        assert_eq!(o.settings.min_idle, Some(1));
        assert_eq!(o.settings.connect_timeout, Some(Duration::from_secs(5)));
        assert_eq!(o.settings.command_timeout, Some(Duration::from_secs(9)));
        assert_eq!(o.settings.connect_retries, Some(3));
        assert_eq!(
            o.settings.connect_retry_backoff,
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn ado_pairs_unquote_values() {
        let p = ado_pairs("a=1; B = 'x;''y' ;c={p}}w};d=\"q\"").unwrap();
        assert_eq!(p["a"], "1");
        assert_eq!(p["b"], "x;'y");
        assert_eq!(p["c"], "p}w");
        assert_eq!(p["d"], "q");
    }

    #[test]
    fn debug_never_shows_passwords() {
        for s in [
            "mssql://sa:Hunter2Secret@h/db",
            "Server=h;User Id=sa;Password=Hunter2Secret",
            "Server=h;User Id=sa;Pwd={Hunter2Secret}",
        ] {
            let o = ConnectOptions::parse(s).unwrap();
            let dbg = format!("{o:?}");
            assert!(!dbg.contains("Hunter2Secret"), "{dbg}");
            assert!(dbg.contains("<redacted>"), "{dbg}");
        }
    }

    #[test]
    fn invalid_ado_string_is_a_connect_string_error() {
        let e = ConnectOptions::parse("Server=h;Max Pool Size=lots").unwrap_err();
        assert!(matches!(e, Error::ConnectString(_)), "{e:?}");
    }
}
