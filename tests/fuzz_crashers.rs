//! Every input that ever crashed a fuzz target, kept in
//! `tests/fuzz-crashers/<target>/`, runs through that target's own code
//! (the files of `fuzz/src/bin/`, compiled here natively) and must end
//! cleanly: a panic fails this test, naming the file.
//!
//! The fuzz targets are written as `fuzz_target!(|data: &[u8]| { … })` over
//! the helpers of `fuzz/src/lib.rs`; here `fuzz_target!` makes a plain
//! `run(data)`, and both crate names the targets use resolve to this test.
//! A new target is one file in `fuzz/src/bin/` and one line in `TARGETS`
//! below; `every_fuzz_target_is_listed_here` keeps the list whole.

// The targets say `aixin_kiosk_fuzz::…` and `libfuzzer_sys::fuzz_target`:
// both are this crate.
extern crate self as aixin_kiosk_fuzz;
extern crate self as libfuzzer_sys;

#[path = "../fuzz/src/lib.rs"]
mod shared;
pub use shared::*;

macro_rules! targets {
    ($($name:ident: $path:literal),* $(,)?) => {
        $(
            #[allow(unused_attributes)]
            #[path = $path]
            mod $name;
        )*
        const TARGETS: &[(&str, fn(&[u8]))] = &[$((stringify!($name), $name::run)),*];
    };
}

targets!(
    import_households: "../fuzz/src/bin/import_households.rs",
    import_points: "../fuzz/src/bin/import_points.rs",
    import_balances: "../fuzz/src/bin/import_balances.rs",
    journal_record: "../fuzz/src/bin/journal_record.rs",
    journal_open: "../fuzz/src/bin/journal_open.rs",
    parse_amount: "../fuzz/src/bin/parse_amount.rs",
    parse_score: "../fuzz/src/bin/parse_score.rs",
    verify_batch: "../fuzz/src/bin/verify_batch.rs",
    import_scores: "../fuzz/src/bin/import_scores.rs",
    backup_restore: "../fuzz/src/bin/backup_restore.rs",
    segment_unpack: "../fuzz/src/bin/segment_unpack.rs",
    checkpoint_decode: "../fuzz/src/bin/checkpoint_decode.rs",
    archive_base: "../fuzz/src/bin/archive_base.rs",
);

const CRASHERS: &str = "tests/fuzz-crashers";

#[test]
fn every_fuzz_target_is_listed_here() {
    let mut found: Vec<String> = std::fs::read_dir("fuzz/src/bin")
        .expect("fuzz/src/bin")
        .map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".rs").unwrap_or(&name).to_string()
        })
        .collect();
    found.sort();
    let mut listed: Vec<&str> = TARGETS.iter().map(|(name, _)| *name).collect();
    listed.sort();
    assert_eq!(found, listed);
}

#[test]
fn every_input_that_crashed_a_fuzz_target_ends_cleanly() {
    let Ok(folders) = std::fs::read_dir(CRASHERS) else {
        return;
    };
    let mut failed = Vec::new();
    let mut inputs = 0;
    for folder in folders {
        let folder = folder.unwrap();
        // The folder's README says what belongs here; only folders hold inputs.
        if !folder.file_type().unwrap().is_dir() {
            continue;
        }
        let target = folder.file_name().into_string().unwrap();
        let Some((_, run)) = TARGETS.iter().find(|(name, _)| *name == target) else {
            panic!("{CRASHERS}/{target} names no fuzz target");
        };
        for file in std::fs::read_dir(folder.path()).unwrap() {
            let path = file.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            inputs += 1;
            if std::panic::catch_unwind(|| run(&data)).is_err() {
                failed.push(path.display().to_string());
            }
        }
    }
    assert!(failed.is_empty(), "these inputs still panic: {failed:?}");
    println!("{inputs} inputs that once crashed now end cleanly");
}

/// The seeds of the corpora (the committed fixtures) run clean too, and
/// each target runs at all.
#[test]
fn the_fixtures_run_through_every_target() {
    let golden = include_bytes!("fixtures/golden-v1.ndjson");
    let households = include_bytes!("fixtures/import/households-numeric-codes.csv");
    let credits = include_bytes!("fixtures/import/credits-utf8-bom.csv");
    let balances = include_bytes!("fixtures/import/balances.csv");
    let first_line = golden.split(|b| *b == b'\n').next().unwrap();
    for (_, run) in TARGETS {
        for data in [
            &golden[..],
            households,
            credits,
            balances,
            first_line,
            b"\x01",
            b"",
        ] {
            run(data);
        }
    }
}

/// The fuzz target's body as a function `run` (defined last, so the
/// targets reach it by their `use libfuzzer_sys::fuzz_target`).
#[macro_export]
macro_rules! fuzz_target {
    (|$data:ident: &[u8]| $body:block) => {
        pub fn run($data: &[u8]) $body
    };
}
