//! The `server` binary: serve Keel (the default), or run one maintenance command.

use app::demo::org::{self as demo_org, DEMO_PASSWORD};
use app::store::backup::ServingLock;
use app::store::{self, accounts::PasswordHash, Backend};
use axum::serve::{Listener, ListenerExt};
use clap::{Parser, Subcommand};
use server::request_log::LogFormat;
use server::{app_state, open_database, router, Settings};
use std::net::SocketAddr;
use std::time::Instant;

/// mimalloc instead of glibc's malloc: under load, glibc's allocator took a quarter of the
/// server's CPU samples (docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "server", about = "Keel: performance management, self-hosted.")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app (the default).
    Serve,
    /// Create the database if needed and bring its schema up to date, then exit.
    Migrate,
    /// Fill an empty database with a generated demo company.
    Seed {
        /// How many people the company has.
        #[arg(long, default_value_t = 300)]
        employees: usize,
        /// The same seed always gives the same company.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Write a consistent copy of the SQLite database to FILE, while the server keeps serving.
    /// (PostgreSQL: use pg_dump.)
    Backup { file: std::path::PathBuf },
    /// Replace the SQLite database with the backup FILE (checked first; the server must be
    /// stopped; the database replaced is kept beside it).
    Restore { file: std::path::PathBuf },
    /// Give an account the administrator role (adding the person if needed) and set a password.
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// Taken from KEEL_ADMIN_PASSWORD when not given; generated and printed when neither is.
        #[arg(long, env = "KEEL_ADMIN_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let format = match LogFormat::from_env() {
        Ok(format) => format,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::exit(1);
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("KEEL_LOG")
        .or_else(|_| tracing_subscriber::EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
    if let Err(message) = run(cli).await {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let settings = Settings::from_env()?;
    let command = cli.command.unwrap_or(Command::Serve);
    // Backup and restore leave the schema as they find it (restore's target migrates when served).
    match &command {
        Command::Backup { file } => return backup(&settings, file).await,
        Command::Restore { file } => return restore(&settings, file).await,
        _ => {}
    }
    // Held by every command that opens the database (serve, migrate, seed, create-admin), so a
    // restore cannot replace the file under any of them. An in-memory database has no file.
    let has_file = app::store::backup::database_file(&settings.database_url).is_ok();
    let _serving = match settings.backend() {
        Backend::Sqlite if has_file => Some(ServingLock::serving(&settings.database_url)?),
        _ => None,
    };
    let pool = open_database(&settings.database_url).await?;
    match command {
        Command::Backup { .. } | Command::Restore { .. } => Ok(()),
        Command::Migrate => {
            println!("Database is up to date: {}", settings.database_url);
            Ok(())
        }
        Command::Seed { employees, seed } => {
            if employees < demo_org::MIN_EMPLOYEES {
                return Err(format!(
                    "--employees must be at least {}",
                    demo_org::MIN_EMPLOYEES
                ));
            }
            seed_demo(&settings, &pool, employees, seed).await?;
            print_demo_logins();
            Ok(())
        }
        Command::CreateAdmin { email, password } => {
            if keel_core::people::check_email(&email.trim().to_lowercase()).is_err() {
                return Err(format!("{email:?} is not a valid email address"));
            }
            let (password, generated) = match password {
                Some(p) if p.chars().count() >= 12 => (p, false),
                Some(_) => return Err("the password must be at least 12 characters".into()),
                None => (random_password(), true),
            };
            let hash = app::auth::password::hash(password.clone()).await;
            let id = store::seed::create_admin(&pool, &email, &hash)
                .await
                .map_err(|e| e.to_string())?;
            println!("{email} (person #{id}) is an administrator.");
            if generated {
                println!("Password: {password}");
            }
            Ok(())
        }
        Command::Serve => serve(settings, pool).await,
    }
}

async fn backup(settings: &Settings, file: &std::path::Path) -> Result<(), String> {
    let started = Instant::now();
    let checked = store::backup::backup(&settings.database_url, file).await?;
    println!(
        "Backed up {} people (schema {}) to {} in {:.1} s; integrity ok.",
        checked.people,
        checked.schema_version,
        file.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn restore(settings: &Settings, file: &std::path::Path) -> Result<(), String> {
    let _no_server = ServingLock::restoring(&settings.database_url)?;
    let (checked, replaced) = store::backup::restore(file, &settings.database_url).await?;
    println!(
        "Restored {} people (schema {}) from {}; integrity ok.",
        checked.people,
        checked.schema_version,
        file.display()
    );
    if let Some(replaced) = replaced {
        println!(
            "The database it replaced is kept at {}.",
            replaced.display()
        );
    }
    Ok(())
}

fn random_password() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..20)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}

async fn seed_demo(
    settings: &Settings,
    pool: &store::Pool,
    employees: usize,
    seed: u64,
) -> Result<(), String> {
    let started = Instant::now();
    let org = demo_org::generate(employees, seed);
    let hash: PasswordHash = app::auth::password::hash(DEMO_PASSWORD.to_string()).await;
    let goals = store::seed::insert(pool, settings.backend(), &org, seed, &hash)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "Seeded a demo company of {} people in {} departments, with {goals} goals, in {:.1} s.",
        org.people.len(),
        org.departments.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn print_demo_logins() {
    let domain = demo_org::DEMO_DOMAIN;
    println!("Demo logins (password for all: {DEMO_PASSWORD}):");
    for (role, local) in [
        ("Employee", "employee"),
        ("Teammate", "peer"),
        ("Manager", "manager"),
        ("HR admin", "hr"),
        ("Executive", "exec"),
        ("Administrator", "admin"),
    ] {
        println!("  {role:<14} {local}@{domain}");
    }
}

async fn serve(settings: Settings, pool: store::Pool) -> Result<(), String> {
    let empty = store::seed::is_empty(&pool)
        .await
        .map_err(|e| e.to_string())?;
    if settings.demo && empty {
        seed_demo(&settings, &pool, settings.demo_employees, 2026).await?;
    }
    let state = app_state(&settings, pool.clone());
    let app = router(state, settings.edge.clone());
    // TCP_NODELAY: without it, a response written in two parts waits for the client's delayed
    // ACK (about 40 ms on Linux) before its second part goes out.
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.addr))?
        .tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("Keel is running at http://{addr}");
    if settings.demo {
        print_demo_logins();
    }
    // On SIGTERM or Ctrl-C: stop accepting, let requests in flight finish (for at most
    // SHUTDOWN_GRACE), then close the database pool so SQLite checkpoints its WAL.
    let (stopping, mut stop_requested) = tokio::sync::watch::channel(false);
    let serving = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        println!("Stopping: finishing the requests in flight.");
        let _ = stopping.send(true);
    });
    let deadline = async move {
        let _ = stop_requested.wait_for(|stop| *stop).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        served = serving => served.map_err(|e| e.to_string())?,
        () = deadline => eprintln!(
            "Requests still in flight after {} s were cut off.",
            SHUTDOWN_GRACE.as_secs()
        ),
    }
    pool.close().await;
    println!("Keel stopped.");
    Ok(())
}

/// How long requests in flight may take to finish once the server is told to stop.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(20);

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
