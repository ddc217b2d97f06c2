//! The run registry: one SQLite database (`registry.sqlite`) and one folder
//! of result files per run (`runs/<id>/`), both under the data dir. The web
//! app and the CLI (`plenum runs list|show|export|rm`) share it.
//!
//! Consistency. A run's files are written into `runs/.tmp-<id>/` and that
//! folder is renamed to `runs/<id>/` before the row says `done`, so a
//! `done` row always has its complete folder. A process killed at any
//! point leaves rows `queued` or `running` (and perhaps a temporary
//! folder); [`Registry::recover`], called when the server starts, marks
//! those rows `failed` and removes any folder they left. SQLite's journal
//! (WAL) keeps the database itself whole across `kill -9`.
//!
//! Paths. Every path this module builds is `runs/<id>/<fixed name>` with the
//! id checked by [`plenum_formats::identity::is_run_id`] (64 hex digits), so
//! nothing a request says can name a file outside the data dir.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use plenum_formats::identity::is_run_id;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// Errors of the registry.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("run registry {path}: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "\"{0}\" is not a run id (64 lower-case hex digits); `plenum runs list` shows the ids"
    )]
    BadId(String),
    #[error("{0}")]
    Format(#[from] plenum_formats::FormatError),
}

pub type Result<T> = std::result::Result<T, RegistryError>;

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Queued,
    Running,
    Done,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Running => "running",
            Status::Done => "done",
            Status::Failed => "failed",
        }
    }
    fn parse(s: &str) -> Status {
        match s {
            "queued" => Status::Queued,
            "running" => Status::Running,
            "done" => Status::Done,
            _ => Status::Failed,
        }
    }
    /// True once the run will not change any more.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Done | Status::Failed)
    }
}

/// One row of the registry.
#[derive(Debug, Clone, Serialize)]
pub struct RunRecord {
    pub id: String,
    /// The scenario's name (runs are compared with baseline-2024).
    pub name: String,
    pub status: Status,
    /// Unix seconds.
    pub created: i64,
    pub started: Option<i64>,
    pub finished: Option<i64>,
    pub plenum_version: String,
    pub table_hash: String,
    pub seed: u64,
    /// The scenario text the run was made from (TOML).
    pub scenario_text: String,
    pub error: Option<String>,
    /// The comparison rows and calibration, as JSON (done runs).
    pub summary: Option<serde_json::Value>,
}

/// The files of a done run; their names are fixed here and nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunFile {
    Csv,
    Parquet,
    Report,
    Manifest,
    Scenario,
    Series,
    Charts,
    /// The fan charts of a run with draws (an empty list without).
    Fans,
}

impl RunFile {
    pub const ALL: [RunFile; 8] = [
        RunFile::Csv,
        RunFile::Parquet,
        RunFile::Report,
        RunFile::Manifest,
        RunFile::Scenario,
        RunFile::Series,
        RunFile::Charts,
        RunFile::Fans,
    ];
    pub fn name(self) -> &'static str {
        match self {
            RunFile::Csv => "results.csv",
            RunFile::Parquet => "results.parquet",
            RunFile::Report => "report.html",
            RunFile::Manifest => "manifest.json",
            RunFile::Scenario => "scenario.toml",
            RunFile::Series => "series.json",
            RunFile::Charts => "charts.json",
            RunFile::Fans => "fans.json",
        }
    }
}

/// A scenario the user saved in the library.
#[derive(Debug, Clone, Serialize)]
pub struct SavedScenario {
    pub name: String,
    pub text: String,
    pub updated: i64,
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The registry of one data dir.
pub struct Registry {
    dir: PathBuf,
    db_path: String,
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS runs(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('queued','running','done','failed')),
  created INTEGER NOT NULL,
  started INTEGER,
  finished INTEGER,
  plenum_version TEXT NOT NULL,
  table_hash TEXT NOT NULL,
  seed INTEGER NOT NULL,
  scenario_text TEXT NOT NULL,
  error TEXT,
  summary TEXT
);
CREATE INDEX IF NOT EXISTS runs_created ON runs(created);
CREATE TABLE IF NOT EXISTS scenarios(
  name TEXT PRIMARY KEY,
  text TEXT NOT NULL,
  updated INTEGER NOT NULL
);";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> RegistryError + '_ {
    move |source| RegistryError::Io {
        path: path.display().to_string(),
        source,
    }
}

impl Registry {
    /// Opens (creating if needed) the registry in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Self> {
        let runs = data_dir.join("runs");
        std::fs::create_dir_all(&runs).map_err(io(&runs))?;
        let db = data_dir.join("registry.sqlite");
        let db_path = db.display().to_string();
        let sq = |source| RegistryError::Sqlite {
            path: db_path.clone(),
            source,
        };
        let conn = Connection::open(&db).map_err(sq)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(sq)?;
        conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
            .map_err(sq)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sq)?;
        conn.execute_batch(SCHEMA).map_err(sq)?;
        Ok(Self {
            dir: data_dir.to_path_buf(),
            db_path,
            conn: Mutex::new(conn),
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.dir
    }

    fn sq(&self) -> impl FnOnce(rusqlite::Error) -> RegistryError + '_ {
        move |source| RegistryError::Sqlite {
            path: self.db_path.clone(),
            source,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        // A panic while holding the lock cannot leave SQLite half-written
        // (each statement is atomic), so a poisoned lock is still usable.
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&conn).map_err(self.sq())
    }

    /// The folder of a run's files (checked id).
    pub fn run_dir(&self, id: &str) -> Result<PathBuf> {
        if !is_run_id(id) {
            return Err(RegistryError::BadId(id.to_string()));
        }
        Ok(self.dir.join("runs").join(id))
    }

    /// The temporary folder a run is written into before it is renamed.
    pub fn tmp_dir(&self, id: &str) -> Result<PathBuf> {
        if !is_run_id(id) {
            return Err(RegistryError::BadId(id.to_string()));
        }
        Ok(self.dir.join("runs").join(format!(".tmp-{id}")))
    }

    /// The path of one file of a run.
    pub fn file(&self, id: &str, f: RunFile) -> Result<PathBuf> {
        Ok(self.run_dir(id)?.join(f.name()))
    }

    /// After a restart: rows left `queued` or `running` by a process that
    /// stopped are marked `failed` and their folders removed; temporary
    /// folders are removed. Returns how many runs were marked.
    pub fn recover(&self) -> Result<usize> {
        let stale: Vec<String> = self.with(|c| {
            let mut st = c.prepare("SELECT id FROM runs WHERE status IN ('queued','running')")?;
            let rows = st.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect()
        })?;
        for id in &stale {
            if let Ok(d) = self.run_dir(id) {
                if d.exists() {
                    std::fs::remove_dir_all(&d).map_err(io(&d))?;
                }
            }
        }
        let t = now();
        let n = self.with(|c| {
            c.execute(
                "UPDATE runs SET status='failed', finished=?1, error='interrupted: the server stopped before the run finished; submit it again to rerun' WHERE status IN ('queued','running')",
                params![t],
            )
        })?;
        let runs = self.dir.join("runs");
        for e in std::fs::read_dir(&runs).map_err(io(&runs))?.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with(".tmp-") {
                let p = e.path();
                std::fs::remove_dir_all(&p).map_err(io(&p))?;
            }
        }
        // A done row whose folder is gone (removed by hand) is failed too.
        let done: Vec<String> = self.with(|c| {
            let mut st = c.prepare("SELECT id FROM runs WHERE status='done'")?;
            let rows = st.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect()
        })?;
        for id in done {
            let ok = self
                .run_dir(&id)
                .map(|d| d.join(RunFile::Parquet.name()).is_file())
                .unwrap_or(false);
            if !ok {
                self.finish_failed(&id, "the run's result files are missing from the data dir")?;
            }
        }
        Ok(n)
    }

    fn record(r: &rusqlite::Row<'_>) -> rusqlite::Result<RunRecord> {
        let summary: Option<String> = r.get(11)?;
        Ok(RunRecord {
            id: r.get(0)?,
            name: r.get(1)?,
            status: Status::parse(&r.get::<_, String>(2)?),
            created: r.get(3)?,
            started: r.get(4)?,
            finished: r.get(5)?,
            plenum_version: r.get(6)?,
            table_hash: r.get(7)?,
            seed: r.get::<_, i64>(8)? as u64,
            scenario_text: r.get(9)?,
            error: r.get(10)?,
            summary: summary.and_then(|s| serde_json::from_str(&s).ok()),
        })
    }

    const COLS: &'static str = "id,name,status,created,started,finished,plenum_version,table_hash,seed,scenario_text,error,summary";

    pub fn get(&self, id: &str) -> Result<Option<RunRecord>> {
        if !is_run_id(id) {
            return Ok(None);
        }
        self.with(|c| {
            c.query_row(
                &format!("SELECT {} FROM runs WHERE id=?1", Self::COLS),
                params![id],
                Self::record,
            )
            .optional()
        })
    }

    /// The newest runs first.
    pub fn list(&self, limit: usize) -> Result<Vec<RunRecord>> {
        self.with(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {} FROM runs ORDER BY created DESC, id LIMIT ?1",
                Self::COLS
            ))?;
            let rows = st.query_map(params![limit as i64], Self::record)?;
            rows.collect()
        })
    }

    /// Inserts a queued run; false if a row with this id exists already.
    pub fn insert_queued(&self, rec: &RunRecord) -> Result<bool> {
        let n = self.with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO runs(id,name,status,created,plenum_version,table_hash,seed,scenario_text) VALUES(?1,?2,'queued',?3,?4,?5,?6,?7)",
                params![
                    rec.id,
                    rec.name,
                    rec.created,
                    rec.plenum_version,
                    rec.table_hash,
                    rec.seed as i64,
                    rec.scenario_text
                ],
            )
        })?;
        Ok(n == 1)
    }

    pub fn set_running(&self, id: &str) -> Result<()> {
        let t = now();
        self.with(|c| {
            c.execute(
                "UPDATE runs SET status='running', started=?2 WHERE id=?1",
                params![id, t],
            )
        })?;
        Ok(())
    }

    pub fn finish_done(&self, id: &str, summary: &serde_json::Value) -> Result<()> {
        let t = now();
        let s = summary.to_string();
        self.with(|c| {
            c.execute(
                "UPDATE runs SET status='done', finished=?2, summary=?3, error=NULL WHERE id=?1",
                params![id, t, s],
            )
        })?;
        Ok(())
    }

    pub fn finish_failed(&self, id: &str, error: &str) -> Result<()> {
        let t = now();
        self.with(|c| {
            c.execute(
                "UPDATE runs SET status='failed', finished=?2, error=?3 WHERE id=?1",
                params![id, t, error],
            )
        })?;
        Ok(())
    }

    /// Removes a run: its row and its folder. False if there was none.
    pub fn remove(&self, id: &str) -> Result<bool> {
        let d = self.run_dir(id)?;
        let n = self.with(|c| c.execute("DELETE FROM runs WHERE id=?1", params![id]))?;
        if d.exists() {
            std::fs::remove_dir_all(&d).map_err(io(&d))?;
        }
        Ok(n == 1)
    }

    /// Deletes the row of a failed run so that it can be submitted again.
    pub fn forget_failed(&self, id: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "DELETE FROM runs WHERE id=?1 AND status='failed'",
                params![id],
            )
        })?;
        Ok(())
    }

    /// The ids starting with `prefix` (hex digits only), for the CLI.
    pub fn ids_with_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        if prefix.is_empty()
            || prefix.len() > 64
            || !prefix
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(RegistryError::BadId(prefix.to_string()));
        }
        self.with(|c| {
            let mut st =
                c.prepare("SELECT id FROM runs WHERE substr(id, 1, ?2) = ?1 ORDER BY id")?;
            let rows = st.query_map(params![prefix, prefix.len() as i64], |r| {
                r.get::<_, String>(0)
            })?;
            rows.collect()
        })
    }

    pub fn save_scenario(&self, name: &str, text: &str) -> Result<()> {
        let t = now();
        self.with(|c| {
            c.execute(
                "INSERT INTO scenarios(name,text,updated) VALUES(?1,?2,?3) ON CONFLICT(name) DO UPDATE SET text=excluded.text, updated=excluded.updated",
                params![name, text, t],
            )
        })?;
        Ok(())
    }

    pub fn scenarios(&self) -> Result<Vec<SavedScenario>> {
        self.with(|c| {
            let mut st = c.prepare("SELECT name,text,updated FROM scenarios ORDER BY name")?;
            let rows = st.query_map([], |r| {
                Ok(SavedScenario {
                    name: r.get(0)?,
                    text: r.get(1)?,
                    updated: r.get(2)?,
                })
            })?;
            rows.collect()
        })
    }

    pub fn scenario(&self, name: &str) -> Result<Option<SavedScenario>> {
        self.with(|c| {
            c.query_row(
                "SELECT name,text,updated FROM scenarios WHERE name=?1",
                params![name],
                |r| {
                    Ok(SavedScenario {
                        name: r.get(0)?,
                        text: r.get(1)?,
                        updated: r.get(2)?,
                    })
                },
            )
            .optional()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str) -> RunRecord {
        RunRecord {
            id: id.into(),
            name: "x".into(),
            status: Status::Queued,
            created: now(),
            started: None,
            finished: None,
            plenum_version: "0".into(),
            table_hash: "h".into(),
            seed: 3,
            scenario_text: "schema = 1".into(),
            error: None,
            summary: None,
        }
    }

    #[test]
    fn lifecycle_and_recovery() {
        let d = tempfile::tempdir().unwrap();
        let reg = Registry::open(d.path()).unwrap();
        let a = "a".repeat(64);
        let b = "b".repeat(64);
        assert!(reg.insert_queued(&rec(&a)).unwrap());
        assert!(!reg.insert_queued(&rec(&a)).unwrap());
        assert!(reg.insert_queued(&rec(&b)).unwrap());
        reg.set_running(&a).unwrap();
        std::fs::create_dir_all(reg.tmp_dir(&a).unwrap()).unwrap();
        drop(reg);
        let reg = Registry::open(d.path()).unwrap();
        assert_eq!(reg.recover().unwrap(), 2);
        for id in [&a, &b] {
            let r = reg.get(id).unwrap().unwrap();
            assert_eq!(r.status, Status::Failed);
            assert!(r.error.unwrap().contains("interrupted"));
        }
        assert!(!reg.tmp_dir(&a).unwrap().exists());
        assert!(reg.remove(&a).unwrap());
        assert!(reg.get(&a).unwrap().is_none());
        assert_eq!(reg.list(10).unwrap().len(), 1);
    }

    #[test]
    fn ids_never_name_paths_outside() {
        let d = tempfile::tempdir().unwrap();
        let reg = Registry::open(d.path()).unwrap();
        for bad in ["..", "../registry.sqlite", "/etc/passwd", "a/../../b", ""] {
            assert!(reg.run_dir(bad).is_err(), "{bad}");
            assert!(reg.get(bad).unwrap().is_none());
        }
    }
}
