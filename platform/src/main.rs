//! `aixin-platform`: the county platform's server and the county's
//! commands. The database is `DATABASE_URL`; the schema is brought up to
//! date before anything else.
//!
//!     aixin-platform serve --listen 127.0.0.1:8700 [--kiosk-origin ORIGIN]…
//!     aixin-platform kiosk add --id COUNTY_ID --village NAME
//!     aixin-platform kiosk enroll-code --id COUNTY_ID
//!     aixin-platform kiosk import-batches --id COUNTY_ID DIR_OR_FILE…
//!     aixin-platform kiosk resolve --id COUNTY_ID --keep platform|kiosk [--by NAME]
//!     aixin-platform kiosk list
//!     aixin-platform kiosk restore-code --id COUNTY_ID [--by NAME]
//!     aixin-platform credits import --id COUNTY_ID FILE [--by NAME]
//!     aixin-platform user add --name NAME   (the password on stdin)

use aixin_platform::{admin, db, fold::Cache, http};
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage:
  aixin-platform serve --listen ADDR:PORT [--kiosk-origin ORIGIN]...   (or AIXIN_KIOSK_ORIGINS=a,b)
  aixin-platform kiosk add --id COUNTY_ID --village NAME
  aixin-platform kiosk enroll-code --id COUNTY_ID
  aixin-platform kiosk import-batches --id COUNTY_ID DIR_OR_FILE...
  aixin-platform kiosk resolve --id COUNTY_ID --keep platform|kiosk [--by NAME]
  aixin-platform kiosk list
  aixin-platform kiosk restore-code --id COUNTY_ID [--by NAME]
  aixin-platform credits import --id COUNTY_ID FILE [--by NAME]
  aixin-platform user add --name NAME          (reads the password from stdin)
DATABASE_URL names the PostgreSQL database.";

/// The command line, checked: options by name, the rest in order.
struct Args {
    words: Vec<String>,
    options: Vec<(String, String)>,
}

impl Args {
    fn parse(raw: Vec<String>) -> Result<Args, String> {
        let mut args = Args {
            words: Vec::new(),
            options: Vec::new(),
        };
        let mut raw = raw.into_iter();
        while let Some(arg) = raw.next() {
            match arg.strip_prefix("--") {
                Some(name) => {
                    let value = raw.next().ok_or(format!("--{name} needs a value"))?;
                    args.options.push((name.to_string(), value));
                }
                None => args.words.push(arg),
            }
        }
        Ok(args)
    }

    fn one<'a>(&'a self, name: &'a str) -> Result<&'a str, String> {
        let mut values = self.all(name);
        match (values.next(), values.next()) {
            (Some(value), None) => Ok(value),
            (None, _) => Err(format!("--{name} is required")),
            (Some(_), Some(_)) => Err(format!("--{name} given twice")),
        }
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.options
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn only(&self, allowed: &[&str]) -> Result<(), String> {
        match self
            .options
            .iter()
            .find(|(key, _)| !allowed.contains(&key.as_str()))
        {
            Some((key, _)) => Err(format!("unknown option --{key}")),
            None => Ok(()),
        }
    }
}

/// Who runs a command: `--by NAME`, else the login name.
fn operator(args: &Args) -> String {
    args.all("by").next().map_or_else(
        || std::env::var("USER").unwrap_or_else(|_| "county".to_string()),
        str::to_string,
    )
}

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("aixin-platform: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(raw)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("aixin-platform: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(raw: Vec<String>) -> Result<(), String> {
    let args = Args::parse(raw)?;
    let words: Vec<&str> = args.words.iter().map(String::as_str).collect();
    if words.is_empty() || words == ["help"] {
        println!("{USAGE}");
        return Ok(());
    }
    let url = std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL is not set".to_string())?;
    let serving = words.first() == Some(&"serve");
    let pool = db::pool(&url, if serving { 16 } else { 2 })?;
    db::migrate(&pool).await?;
    match words.as_slice() {
        ["serve"] => {
            args.only(&["listen", "kiosk-origin"])?;
            let listen = args.one("listen")?;
            let mut origins: Vec<String> = args.all("kiosk-origin").map(str::to_string).collect();
            if let Ok(env) = std::env::var("AIXIN_KIOSK_ORIGINS") {
                origins.extend(
                    env.split(',')
                        .map(str::trim)
                        .filter(|o| !o.is_empty())
                        .map(str::to_string),
                );
            }
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .map_err(|error| format!("listen on {listen}: {error}"))?;
            let address = listener.local_addr().map_err(|error| error.to_string())?;
            // Tests and scripts read this line for the port.
            println!("listening on http://{address}");
            aixin_platform::serve(listener, http::App::new(pool, origins))
                .await
                .map_err(|error| error.to_string())
        }
        ["kiosk", "add"] => {
            args.only(&["id", "village"])?;
            let id = args.one("id")?;
            let code = admin::add(&pool, id, args.one("village")?).await?;
            println!(
                "kiosk {id} added; its one-time enrollment code (valid {} days): {code}",
                admin::ENROLL_CODE_DAYS
            );
            Ok(())
        }
        ["kiosk", "enroll-code"] => {
            args.only(&["id"])?;
            let id = args.one("id")?;
            let code = admin::enroll_code(&pool, id).await?;
            println!(
                "kiosk {id}: new one-time enrollment code (valid {} days): {code}",
                admin::ENROLL_CODE_DAYS
            );
            Ok(())
        }
        ["kiosk", "import-batches", paths @ ..] if !paths.is_empty() => {
            args.only(&["id"])?;
            let id = args.one("id")?;
            let paths: Vec<&Path> = paths.iter().map(Path::new).collect();
            let imported = admin::import(&pool, &Cache::default(), id, &paths).await?;
            println!(
                "kiosk {id}: {} entries imported, {} already held; the platform holds up to {}",
                imported.appended, imported.duplicate, imported.head_seq
            );
            Ok(())
        }
        ["kiosk", "resolve"] => {
            args.only(&["id", "keep", "by"])?;
            let id = args.one("id")?;
            let keep =
                admin::Keep::parse(args.one("keep")?).ok_or("--keep is platform or kiosk")?;
            let by = args.all("by").next().map_or_else(
                || std::env::var("USER").unwrap_or_else(|_| "county".to_string()),
                str::to_string,
            );
            let seq = admin::resolve(&pool, id, keep, &by).await?;
            println!(
                "kiosk {id}: the fork at entry {seq} is settled, keeping the {}'s journal",
                match keep {
                    admin::Keep::Platform => "platform",
                    admin::Keep::Kiosk => "kiosk",
                }
            );
            Ok(())
        }
        ["kiosk", "list"] => {
            args.only(&[])?;
            println!(
                "{:<24} {:<16} {:<16} {:>8} {:<8} {:>9} enrolled",
                "county id", "village", "kiosk", "head", "status", "conflicts"
            );
            for kiosk in admin::list(&pool).await? {
                println!(
                    "{:<24} {:<16} {:<16} {:>8} {:<8} {:>9} {}",
                    kiosk.county_id,
                    kiosk.village,
                    kiosk.kiosk_id.as_deref().unwrap_or("-"),
                    kiosk.head_seq,
                    kiosk.status,
                    kiosk.open_conflicts,
                    if kiosk.enrolled { "yes" } else { "no" },
                );
            }
            Ok(())
        }
        ["kiosk", "restore-code"] => {
            args.only(&["id", "by"])?;
            let id = args.one("id")?;
            let code = aixin_platform::restore::restore_code(&pool, id, &operator(&args)).await?;
            println!(
                "kiosk {id}: one-time restore code (valid {} hours): {code}",
                aixin_platform::restore::RESTORE_CODE_HOURS
            );
            Ok(())
        }
        ["credits", "import", file] => {
            args.only(&["id", "by"])?;
            let id = args.one("id")?;
            let bytes = std::fs::read(file).map_err(|error| format!("{file}: {error}"))?;
            let imported = aixin_platform::credits::import_file(
                &pool,
                &Cache::default(),
                id,
                &bytes,
                &operator(&args),
            )
            .await?;
            println!(
                "kiosk {id}: {} credits ({} points) now wait for the kiosk; {} were waiting already, {} the kiosk holds already",
                imported.added,
                imported.added_points.fixed(),
                imported.already_waiting,
                imported.already_credited
            );
            Ok(())
        }
        ["user", "add"] => {
            args.only(&["name"])?;
            let name = args.one("name")?;
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .map_err(|error| format!("reading the password from stdin: {error}"))?;
            let password = password.trim_end_matches(['\r', '\n']);
            aixin_platform::county::add_user(&pool, name, password).await?;
            println!("county account {name} added");
            Ok(())
        }
        _ => Err(format!("unknown command\n{USAGE}")),
    }
}
