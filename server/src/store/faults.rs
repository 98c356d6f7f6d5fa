//! Faults: a database error or a task that died, logged where it was met and turned into the `Problem` a user
//! hears (`internal`, or `unavailable` while the database cannot be reached).

/// Logs a fault (a database error, a task that died) with the file and line where it happened, and turns it
/// into the opaque [`app::domain::Problem::internal`]: the cause stays in the log, the user gets the same
/// answer for every fault. `#[track_caller]`, so the place logged is the caller's, not this function's.
#[track_caller]
pub fn internal(error: impl std::fmt::Display) -> app::domain::Problem {
    let at = std::panic::Location::caller();
    tracing::error!(%error, file = at.file(), line = at.line(), "internal error");
    app::domain::Problem::internal()
}

/// Whether `error` says the database cannot be reached right now (no connection could be had, the connection
/// broke, the server is shutting down or starting), rather than that a statement failed.
pub fn is_unreachable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => true,
        // SQLSTATE class 08 is a connection exception; 57P01-57P03 the server shutting down or starting.
        sqlx::Error::Database(database) => database
            .code()
            .is_some_and(|code| code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

/// A database error as the user hears it: [`app::domain::Problem::unavailable`] when the database cannot be
/// reached (nothing was done; the same request works once it is back), otherwise [`internal`]. Logged where
/// it was called either way.
#[track_caller]
pub fn fault(error: sqlx::Error) -> app::domain::Problem {
    if is_unreachable(&error) {
        let at = std::panic::Location::caller();
        tracing::warn!(%error, file = at.file(), line = at.line(), "the database cannot be reached");
        app::domain::Problem::unavailable("its database")
    } else {
        internal(error)
    }
}

/// `?` for faults: `result.or_internal()?` turns any error into [`internal`], logged at the line of the call.
/// (`.or_internal()` would log the standard library's line: the location does not pass through a function
/// handed to `map_err`.)
pub trait OrInternal<T> {
    /// The value, or the fault as `internal`, logged where this was called.
    fn or_internal(self) -> Result<T, app::domain::Problem>;
}

impl<T, E: std::fmt::Display> OrInternal<T> for Result<T, E> {
    #[track_caller]
    fn or_internal(self) -> Result<T, app::domain::Problem> {
        match self {
            Ok(value) => Ok(value),
            Err(error) => Err(internal(error)),
        }
    }
}

/// `?` for database calls a request waits on: `result.or_fault()?` answers [`fault`]'s way, `unavailable` while
/// the database cannot be reached or no connection frees up in time (the same request works a moment later,
/// and clients send it again), `internal` for anything else; logged at the line of the call either way.
pub trait OrFault<T> {
    /// The value, or the error as [`fault`] words it.
    fn or_fault(self) -> Result<T, app::domain::Problem>;
}

impl<T> OrFault<T> for Result<T, sqlx::Error> {
    #[track_caller]
    fn or_fault(self) -> Result<T, app::domain::Problem> {
        match self {
            Ok(value) => Ok(value),
            Err(error) => Err(fault(error)),
        }
    }
}
