//! `aixin-verify DIR…`: verifies exported batches, each a directory holding
//! `manifest.json`, `journal.ndjson`, `redemptions.csv` and `ledger.csv`, in
//! the order given (each batch must chain to the one before). Prints a
//! report in Chinese and English; exits 0 when every batch is intact, 1 when
//! any is not, 2 when called without a directory.

use aixin_kiosk::verify::{verify_batches, BatchFiles};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

/// Files larger than this are not read (a batch file is far smaller).
const FILE_BYTES_MAX: u64 = 1 << 30;

fn read_batch(dir: &Path) -> BatchFiles {
    let mut files = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            let small_file = entry
                .metadata()
                .is_ok_and(|m| m.is_file() && m.len() <= FILE_BYTES_MAX);
            let name = entry.file_name().to_string_lossy().into_owned();
            if small_file {
                if let Ok(bytes) = std::fs::read(&path) {
                    files.insert(name, bytes);
                }
            }
        }
    }
    BatchFiles {
        name: dir.display().to_string(),
        files,
    }
}

fn main() -> ExitCode {
    let dirs: Vec<String> = std::env::args().skip(1).collect();
    if dirs.is_empty() {
        eprintln!("用法 / usage: aixin-verify 批次目录… / BATCH_DIR…");
        return ExitCode::from(2);
    }
    let batches: Vec<BatchFiles> = dirs.iter().map(|dir| read_batch(Path::new(dir))).collect();
    let report = verify_batches(&batches);
    print!("{}", report.render());
    if report.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
