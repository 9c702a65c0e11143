//! `cargo run -p shortener_metrics`: the service on a local port, with production settings,
//! built from your crates. The chapter README shows a `curl` session against it.
//!
//! `PORT` chooses the port (default: any free one); `SHORTENER_DB` the database file
//! (default: `shortener.db` in the system's temp dir).

use std::time::Duration;

use shortener_metrics::{Clock, Config, app, open};
use token_bucket::Limit;

fn main() {
    let path = std::env::var_os("SHORTENER_DB")
        .map(Into::into)
        .unwrap_or_else(|| std::env::temp_dir().join("shortener.db"));
    let db = match open(&path) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("cannot open {}: {e}", path.display());
            std::process::exit(2);
        }
    };
    let config = Config {
        // argon2's defaults are OWASP's first choice: 19 MiB, 2 passes, 1 lane.
        argon2: argon2::Params::default(),
        idle: 30 * 60,
        absolute: 8 * 60 * 60,
        // Five links in a burst, then one every 12 s (five a minute).
        limit: Limit {
            capacity: 5,
            every: Duration::from_secs(12),
        },
        cache_capacity: 10_000,
        clock: Clock::System,
        timer: Clock::System,
    };
    let port = std::env::var("PORT").unwrap_or_else(|_| "0".to_string());
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
                std::process::exit(2);
            }
        };
        let addr = listener.local_addr().expect("a bound address");
        println!(
            "shortener listening on http://{addr} (database {})",
            path.display()
        );
        axum::serve(listener, app(db, config))
            .await
            .expect("the server runs until it is stopped");
    });
}
