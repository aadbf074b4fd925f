//! Keel as a separate process: the `server` binary started on a database of the test's, spoken
//! to over HTTP. For what only separate processes show: backup and restore beside a running
//! server, two servers on one database, a server killed mid-write, the log lines it writes.

use super::Reply;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct ServerProcess {
    child: Child,
    pub base: String,
    /// Every line the server wrote to stdout and stderr so far.
    pub output: Arc<Mutex<Vec<String>>>,
    client: reqwest::Client,
}

/// The `server` binary this test build was linked with.
pub fn server_binary() -> &'static str {
    env!("CARGO_BIN_EXE_server")
}

/// Runs a `server` maintenance command to its end: (success, stdout and stderr).
pub fn run_command(database_url: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new(server_binary())
        .args(args)
        .env("DATABASE_URL", database_url)
        .env_remove("KEEL_DEMO")
        .output()
        .expect("the server binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl ServerProcess {
    /// Starts `server serve` on `database_url` with the extra environment `env`, and waits
    /// until it is ready.
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> ServerProcess {
        let port = free_port();
        let mut command = Command::new(server_binary());
        command
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("PORT", port.to_string())
            .env_remove("KEEL_DEMO")
            .env("KEEL_LOG", "info,sqlx=warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the server starts");
        let output = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let lines = output.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    lines.lock().unwrap().push(line);
                }
            });
        }
        let server = ServerProcess {
            child,
            base: format!("http://127.0.0.1:{port}"),
            output,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        };
        let started = Instant::now();
        loop {
            if let Ok(reply) = server
                .client
                .get(format!("{}/readyz", server.base))
                .send()
                .await
            {
                if reply.status().is_success() {
                    return server;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not become ready: {:?}",
                server.output.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Calls a server function as the browser's wasm does (form-encoded, from Keel's origin).
    pub async fn call(&self, path: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Reply {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(super::form_body(fields));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        reply(request.send().await.expect("the server answers")).await
    }

    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.client.get(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        reply(request.send().await.expect("the server answers")).await
    }

    /// Signs in and returns the session cookie.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let reply = self
            .call(
                "/api/login",
                None,
                &[("email", email), ("password", password)],
            )
            .await;
        assert_eq!(reply.status, 200, "login as {email}: {}", reply.body);
        super::session_cookie(&reply).expect("a session cookie")
    }

    /// Asks the server to stop (SIGTERM) and waits for it.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().expect("the server exits")
    }

    /// Kills the server at once (SIGKILL), as the OOM killer or a crash would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Creates the goal `load_goal(title)` through the server at `base`, from a task of its own
/// (a write load runs beside the test rather than through one `ServerProcess`).
pub async fn post_load_goal(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    title: &str,
) -> reqwest::Result<reqwest::Response> {
    client
        .post(format!("{base}/api/create_goal"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("cookie", cookie)
        .body(super::form_body(&super::load_goal(title)))
        .send()
        .await
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn reply(response: reqwest::Response) -> Reply {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap_or_default();
    Reply {
        status,
        headers,
        body,
    }
}
