//! A small task API to run under keel in a `FROM scratch` image. std only: no crates, libc through
//! a few `extern "C"` declarations.
//!
//! HTTP on 0.0.0.0:$PORT (default 8080):
//!   GET  /health             200 "ok", or 503 "failing"
//!   GET  /api/tasks          the task list as JSON
//!   POST /api/tasks          adds a task whose title is the request body
//!   POST /admin/fail         /health answers 503 from now on
//!   POST /admin/recover      /health answers 200 again
//!   POST /admin/orphans?n=N  forks a child that forks N grandchildren and exits at once: they
//!                            are orphans for PID 1 to reap (keel does; an app as PID 1 does not)
//!
//! Every signal below is logged on stdout when it arrives. They also let a test drive the app in a
//! container without network (`docker kill -s USR1`):
//!   TERM, INT   exit at once with --exit-code (default 0); with --ignore-term TERM is only logged
//!   USR1        toggles failing
//!   USR2        spawns $ORPHANS (default 200) orphans, as /admin/orphans
//!   HUP, WINCH  logged only
//!
//! --default-term leaves TERM and INT at their default action, like most apps that install no
//! handler: as PID 1 without an init the kernel then drops `docker stop`'s SIGTERM.

use std::collections::HashMap;
use std::env;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::raw::c_int;
use std::os::unix::io::IntoRawFd;
use std::os::unix::net::UnixStream;
use std::process;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

const USAGE: &str = "usage: app [--ignore-term] [--default-term] [--exit-code N]
env: PORT (8080; 0 picks a free one), ORPHANS (200), APP_IGNORE_TERM=1, APP_DEFAULT_TERM=1, APP_EXIT_CODE=N";

mod sys {
    use std::os::raw::c_int;

    pub const SIGHUP: c_int = 1;
    pub const SIGINT: c_int = 2;
    pub const SIGUSR1: c_int = 10;
    pub const SIGUSR2: c_int = 12;
    pub const SIGTERM: c_int = 15;
    pub const SIGWINCH: c_int = 28;

    extern "C" {
        // glibc and musl both give signal() BSD semantics: the handler stays, syscalls restart.
        pub fn signal(signum: c_int, handler: extern "C" fn(c_int)) -> usize;
        pub fn write(fd: c_int, buf: *const u8, count: usize) -> isize;
        pub fn fork() -> c_int;
        pub fn _exit(status: c_int) -> !;
        pub fn waitpid(pid: c_int, status: *mut c_int, options: c_int) -> c_int;
        pub fn getuid() -> u32;
        pub fn __errno_location() -> *mut c_int;
    }
}

struct Config {
    port: u16,
    orphans: usize,
    ignore_term: bool,
    default_term: bool,
    exit_code: i32,
}

impl Config {
    fn parse(args: &[String]) -> Result<Config, String> {
        let flag = |name: &str| env::var(name).map(|v| v == "1" || v == "true").unwrap_or(false);
        let number = |name: &str, default: &str| -> Result<u64, String> {
            let value = env::var(name).unwrap_or_else(|_| default.to_string());
            value.parse().map_err(|_| format!("{}={:?} is not a number", name, value))
        };
        let mut config = Config {
            port: u16::try_from(number("PORT", "8080")?).map_err(|_| "PORT is over 65535".to_string())?,
            orphans: number("ORPHANS", "200")? as usize,
            ignore_term: flag("APP_IGNORE_TERM"),
            default_term: flag("APP_DEFAULT_TERM"),
            exit_code: number("APP_EXIT_CODE", "0")? as i32,
        };
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            match arg.as_str() {
                "--ignore-term" => config.ignore_term = true,
                "--default-term" => config.default_term = true,
                "--exit-code" => {
                    let value = rest.next().ok_or("--exit-code needs a number")?;
                    config.exit_code = value.parse().map_err(|_| format!("--exit-code {:?}", value))?;
                }
                "-h" | "--help" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown argument {:?}\n{}", other, USAGE)),
            }
        }
        Ok(config)
    }
}

struct State {
    failing: AtomicBool,
    tasks: Mutex<Vec<String>>,
    orphans: usize,
}

// The write end of the self-pipe: the handler only writes the signal number there (write is
// async-signal-safe); a thread reads it and does the work.
static SIGNAL_FD: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_signal(signum: c_int) {
    unsafe {
        let saved = *sys::__errno_location();
        let byte = signum as u8;
        sys::write(SIGNAL_FD.load(Ordering::Relaxed), &byte, 1);
        *sys::__errno_location() = saved;
    }
}

fn signal_name(signum: c_int) -> &'static str {
    match signum {
        sys::SIGHUP => "SIGHUP",
        sys::SIGINT => "SIGINT",
        sys::SIGUSR1 => "SIGUSR1",
        sys::SIGUSR2 => "SIGUSR2",
        sys::SIGTERM => "SIGTERM",
        sys::SIGWINCH => "SIGWINCH",
        _ => "signal",
    }
}

fn install_signal_handlers(config: &Config, state: Arc<State>) -> io::Result<()> {
    let (reader, writer) = UnixStream::pair()?;
    // Non-blocking: a handler must never block; a full pipe (thousands pending) drops the byte.
    writer.set_nonblocking(true)?;
    SIGNAL_FD.store(writer.into_raw_fd(), Ordering::Relaxed); // kept open for the process's life

    let mut signals = vec![sys::SIGHUP, sys::SIGUSR1, sys::SIGUSR2, sys::SIGWINCH];
    if !config.default_term {
        signals.extend([sys::SIGTERM, sys::SIGINT]);
    }
    for &signum in &signals {
        unsafe { sys::signal(signum, on_signal) };
    }
    let (ignore_term, exit_code) = (config.ignore_term, config.exit_code);
    thread::spawn(move || {
        let mut reader = reader;
        let mut pending = [0u8; 64];
        loop {
            let count = match reader.read(&mut pending) {
                Ok(0) => break,
                Ok(count) => count,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            for &byte in &pending[..count] {
                act_on_signal(byte as c_int, &state, ignore_term, exit_code);
            }
        }
    });
    Ok(())
}

fn act_on_signal(signum: c_int, state: &State, ignore_term: bool, exit_code: i32) {
    let name = signal_name(signum);
    match signum {
        sys::SIGTERM if ignore_term => println!("app: received {} ({}): ignored", name, signum),
        sys::SIGTERM | sys::SIGINT => {
            println!("app: received {} ({}): exiting with {}", name, signum, exit_code);
            process::exit(exit_code);
        }
        sys::SIGUSR1 => {
            let failing = !state.failing.fetch_xor(true, Ordering::SeqCst);
            println!("app: received {} ({}): failing={}", name, signum, failing);
        }
        sys::SIGUSR2 => {
            println!("app: received {} ({}): spawning {} orphans", name, signum, state.orphans);
            spawn_orphans(state.orphans);
        }
        _ => println!("app: received {} ({})", name, signum),
    }
}

/// Forks a child that forks `n` grandchildren, each exiting at once, and exits without waiting
/// for them: they are reparented to PID 1, which must reap them. Only fork and _exit run after
/// fork (both async-signal-safe), so this is sound in a threaded process.
fn spawn_orphans(n: usize) -> bool {
    let pid = unsafe { sys::fork() };
    if pid == 0 {
        let mut status = 0;
        for _ in 0..n {
            match unsafe { sys::fork() } {
                0 => unsafe { sys::_exit(0) },
                -1 => status = 1,
                _ => {}
            }
        }
        unsafe { sys::_exit(status) };
    }
    if pid < 0 {
        println!("app: fork failed: {}", io::Error::last_os_error());
        return false;
    }
    let mut status: c_int = 0;
    unsafe { sys::waitpid(pid, &mut status, 0) };
    let ok = status == 0;
    println!("app: orphans: spawned {} ({})", n, if ok { "all forked" } else { "some forks failed" });
    ok
}

struct Request {
    method: String,
    path: String,
    query: HashMap<String, String>,
    body: Vec<u8>,
}

fn read_request(stream: &TcpStream) -> io::Result<Request> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
    let mut reader = BufReader::new(stream.take(64 * 1024));
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().ok_or_else(|| bad("empty request"))?.to_string();
    let target = parts.next().ok_or_else(|| bad("no request target"))?.to_string();
    let mut content_length = 0;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                content_length = value.trim().parse().map_err(|_| bad("bad Content-Length"))?;
            }
        }
    }
    let mut body = vec![0; content_length];
    reader.read_exact(&mut body)?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let query = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Ok(Request { method, path: path.to_string(), query, body })
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn tasks_json(tasks: &[String]) -> String {
    let items: Vec<String> = tasks.iter().map(|t| json_string(t)).collect();
    format!("{{\"tasks\":[{}],\"total\":{}}}\n", items.join(","), tasks.len())
}

/// Returns (status, body) for one request.
fn route(request: &Request, state: &State) -> (u16, String) {
    let set_failing = |failing: bool| {
        state.failing.store(failing, Ordering::SeqCst);
        println!("app: failing={}", failing);
        (200, format!("failing={}\n", failing))
    };
    match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/health") if state.failing.load(Ordering::SeqCst) => (503, "failing\n".into()),
        ("GET", "/health") => (200, "ok\n".into()),
        ("GET", "/api/tasks") => (200, tasks_json(&state.tasks.lock().unwrap())),
        ("POST", "/api/tasks") => {
            let title = String::from_utf8_lossy(&request.body).trim().to_string();
            let mut tasks = state.tasks.lock().unwrap();
            tasks.push(title);
            (201, tasks_json(&tasks))
        }
        ("POST", "/admin/fail") => set_failing(true),
        ("POST", "/admin/recover") => set_failing(false),
        ("POST", "/admin/orphans") => {
            let n = match request.query.get("n").map(|n| n.parse::<usize>()) {
                None => state.orphans,
                Some(Ok(n)) if n <= 10_000 => n,
                Some(_) => return (400, "n must be a number up to 10000\n".into()),
            };
            if spawn_orphans(n) {
                (200, format!("spawned {} orphans\n", n))
            } else {
                (500, "fork failed\n".into())
            }
        }
        (_, "/health") | (_, "/api/tasks") | (_, "/admin/fail") | (_, "/admin/recover") | (_, "/admin/orphans") => {
            (405, "method not allowed\n".into())
        }
        _ => (404, "not found\n".into()),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

fn handle(mut stream: TcpStream, state: &State) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let (status, body) = match read_request(&stream) {
        Ok(request) => route(&request, state),
        Err(e) => (400, format!("bad request: {}\n", e)),
    };
    let content_type = if body.starts_with('{') { "application/json" } else { "text/plain" };
    let _ = write!(
        stream,
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        status,
        reason(status),
        content_type,
        body.len(),
        body
    );
}

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let config = Config::parse(&args).unwrap_or_else(|message| {
        eprintln!("{}", message);
        process::exit(2);
    });
    let state = Arc::new(State { failing: AtomicBool::new(false), tasks: Mutex::new(Vec::new()), orphans: config.orphans });
    if let Err(e) = install_signal_handlers(&config, state.clone()) {
        eprintln!("app: cannot set up signal handling: {}", e);
        process::exit(1);
    }
    // A SocketAddr, not a "host:port" string: no resolver, nothing for a static binary to dlopen.
    let address = SocketAddr::from(([0, 0, 0, 0], config.port));
    let listener = TcpListener::bind(address).unwrap_or_else(|e| {
        eprintln!("app: cannot listen on {}: {}", address, e);
        process::exit(1);
    });
    let uid = unsafe { sys::getuid() };
    println!(
        "app: listening on {} (pid {}, uid {}, ignore-term {}, default-term {})",
        listener.local_addr().unwrap_or(address),
        process::id(),
        uid,
        config.ignore_term,
        config.default_term
    );
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let state = state.clone();
                thread::spawn(move || handle(stream, &state));
            }
            Err(e) => eprintln!("app: accept failed: {}", e),
        }
    }
}
