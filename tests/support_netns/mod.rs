//! "Hosts" on this machine for fault tests: a database host and worker hosts, each a network
//! namespace, each worker joined to the database host by its own veth pair on
//! 10.231.<i>.0/24 (database side .1, worker side .2). Nothing is added to the machine's own
//! namespace. The database host runs a PostgreSQL instance of the test's own (initdb into a
//! temporary directory, run as the `postgres` user), reachable from the workers over the veths
//! and from the test itself over its unix socket. Dropping `Hosts` stops that instance and
//! deletes the namespaces (which deletes their veths), also when the test panics.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";
const PG_PORT: u16 = 5432;

/// Why these hosts cannot be made here (not root, no `ip`, no PostgreSQL 15 binaries), or None.
pub fn missing_prerequisite() -> Option<String> {
    let uid = Command::new("id").arg("-u").output().ok();
    if uid.is_none_or(|o| String::from_utf8_lossy(&o.stdout).trim() != "0") {
        return Some("network namespaces need root".into());
    }
    if !Command::new("ip")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return Some("`ip` (iproute2) is missing".into());
    }
    for tool in ["initdb", "pg_ctl", "postgres"] {
        if !Path::new(PG_BIN).join(tool).exists() {
            return Some(format!(
                "{PG_BIN}/{tool} is missing: run scripts/ensure-postgres"
            ));
        }
    }
    if !Command::new("id")
        .arg("postgres")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return Some("there is no `postgres` user to run PostgreSQL as".into());
    }
    None
}

/// Run a command; panic with its output when it fails.
pub fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed: {}", said(&out));
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn said(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub struct Hosts {
    /// Unique per test run, in every name.
    pub tag: String,
    pub db_ns: String,
    pub worker_ns: Vec<String>,
    /// The database side of each worker's link (cutting it cuts that worker off).
    pub db_links: Vec<String>,
    pg_dir: tempfile::TempDir,
    pg_started: bool,
}

impl Hosts {
    /// A database host and `workers` worker hosts, linked; PostgreSQL not yet started.
    pub fn new(workers: usize) -> Hosts {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let tag = format!("{:05x}", (std::process::id() ^ nanos) & 0xfffff);
        // The data directory: short (unix socket paths are limited), owned by postgres.
        let pg_dir = tempfile::Builder::new()
            .prefix("cfpg")
            .tempdir_in("/tmp")
            .expect("a temporary directory for PostgreSQL");
        let mut hosts = Hosts {
            db_ns: format!("cfdb{tag}"),
            worker_ns: Vec::new(),
            db_links: Vec::new(),
            tag,
            pg_dir,
            pg_started: false,
        };
        run(Command::new("ip").args(["netns", "add", &hosts.db_ns]));
        run(Command::new("ip").args(["-n", &hosts.db_ns, "link", "set", "lo", "up"]));
        for i in 1..=workers {
            let ns = format!("cfw{i}{}", hosts.tag);
            run(Command::new("ip").args(["netns", "add", &ns]));
            hosts.worker_ns.push(ns.clone());
            let (db_end, w_end) = (
                format!("cfd{i}{}", hosts.tag),
                format!("cfh{i}{}", hosts.tag),
            );
            // Both ends are made directly in their namespaces: nothing appears in the machine's.
            run(Command::new("ip").args([
                "link",
                "add",
                &db_end,
                "netns",
                &hosts.db_ns,
                "type",
                "veth",
                "peer",
                "name",
                &w_end,
                "netns",
                &ns,
            ]));
            hosts.db_links.push(db_end.clone());
            for (n, dev, addr) in [
                (&hosts.db_ns, &db_end, format!("10.231.{i}.1/24")),
                (&ns, &w_end, format!("10.231.{i}.2/24")),
            ] {
                run(Command::new("ip").args(["-n", n, "addr", "add", &addr, "dev", dev]));
                run(Command::new("ip").args(["-n", n, "link", "set", dev, "up"]));
            }
            run(Command::new("ip").args(["-n", &ns, "link", "set", "lo", "up"]));
        }
        hosts
    }

    /// The database host's address as worker `i` (1-based) sees it.
    pub fn db_addr_for(&self, i: usize) -> String {
        format!("10.231.{i}.1")
    }

    /// A command run inside namespace `ns`.
    pub fn exec_in(ns: &str, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", ns]).arg(program);
        c
    }

    fn pg_data(&self) -> PathBuf {
        self.pg_dir.path().join("data")
    }

    fn pg_ctl(&self) -> Command {
        let mut c = Hosts::exec_in(&self.db_ns, "runuser");
        c.args(["-u", "postgres", "--"])
            .arg(Path::new(PG_BIN).join("pg_ctl"))
            .arg("-D")
            .arg(self.pg_data());
        c
    }

    /// initdb and start PostgreSQL on the database host, listening on its loopback and on
    /// every link's address, trusting the workers' subnets; create database `crucible`.
    pub fn start_postgres(&mut self) {
        run(Command::new("chown")
            .arg("postgres:")
            .arg(self.pg_dir.path()));
        run(Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(Path::new(PG_BIN).join("initdb"))
            .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "-D"])
            .arg(self.pg_data()));
        let hba = self.pg_data().join("pg_hba.conf");
        let mut text = std::fs::read_to_string(&hba).unwrap();
        text.push_str("host all all 10.231.0.0/16 trust\n");
        std::fs::write(&hba, text).unwrap();
        let mut listen = vec!["127.0.0.1".to_string()];
        listen.extend((1..=self.worker_ns.len()).map(|i| self.db_addr_for(i)));
        let opts = format!(
            "-p {PG_PORT} -c listen_addresses={} -k {} -c max_connections=100 -c fsync=off",
            listen.join(","),
            self.pg_data().display()
        );
        let log = self.pg_dir.path().join("log");
        run(self
            .pg_ctl()
            .args(["-w", "-t", "60", "-o", &opts, "-l"])
            .arg(&log)
            .arg("start")
            .stdout(Stdio::piped()));
        self.pg_started = true;
        self.psql("postgres", "CREATE DATABASE crucible");
    }

    /// Restart the instance (fast: sessions are cut); returns how long it was away.
    pub fn restart_postgres(&self) -> Duration {
        let t = Instant::now();
        run(self
            .pg_ctl()
            .args(["-w", "-t", "60", "-m", "fast", "restart"])
            .stdout(Stdio::null()));
        t.elapsed()
    }

    /// The URL worker `i` (1-based) uses, over its link.
    pub fn url_for_worker(&self, i: usize) -> String {
        format!(
            "postgres://postgres@{}:{PG_PORT}/crucible",
            self.db_addr_for(i)
        )
    }

    /// The URL the test itself uses: the instance's unix socket (a path, reachable from the
    /// machine's namespace without any address there).
    pub fn local_url(&self) -> String {
        let dir = self.pg_data().display().to_string().replace('/', "%2F");
        format!("postgres://postgres@{dir}:{PG_PORT}/crucible")
    }

    /// One SQL statement over the unix socket; rows as `|`-separated lines. Errors (e.g.
    /// while the instance restarts) are returned, not panicked on.
    pub fn try_psql(&self, db: &str, sql: &str) -> Result<String, String> {
        let out = Command::new(Path::new(PG_BIN).join("psql"))
            .args(["-h"])
            .arg(self.pg_data())
            .args(["-p", &PG_PORT.to_string(), "-U", "postgres", "-d", db])
            .args(["-v", "ON_ERROR_STOP=1", "-Atqc", sql])
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(said(&out))
        }
    }

    pub fn psql(&self, db: &str, sql: &str) -> String {
        self.try_psql(db, sql)
            .unwrap_or_else(|e| panic!("psql `{sql}`: {e}"))
    }

    /// Take worker `i`'s link down (or up again) on the database side.
    pub fn set_link(&self, i: usize, up: bool) {
        run(Command::new("ip").args([
            "-n",
            &self.db_ns,
            "link",
            "set",
            &self.db_links[i - 1],
            if up { "up" } else { "down" },
        ]));
    }

    pub fn postgres_log(&self) -> String {
        std::fs::read_to_string(self.pg_dir.path().join("log")).unwrap_or_default()
    }

    fn stop_postgres(&mut self) {
        if !self.pg_started {
            return;
        }
        let _ = self
            .pg_ctl()
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        // Whatever survived (pg_ctl failing) must not outlive the test.
        if let Ok(pid) = std::fs::read_to_string(self.pg_data().join("postmaster.pid"))
            && let Some(pid) = pid
                .lines()
                .next()
                .and_then(|l| l.trim().parse::<u32>().ok())
        {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
        self.pg_started = false;
    }
}

impl Drop for Hosts {
    fn drop(&mut self) {
        self.stop_postgres();
        // Deleting a namespace deletes the veth ends in it, and with them their peers.
        for ns in self.worker_ns.iter().chain(std::iter::once(&self.db_ns)) {
            let _ = Command::new("ip")
                .args(["netns", "del", ns])
                .stderr(Stdio::null())
                .status();
        }
    }
}
