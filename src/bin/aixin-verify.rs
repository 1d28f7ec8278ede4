//! `aixin-verify DIR…`: verifies exported batches, each a directory holding
//! `manifest.json`, `journal.ndjson`, `redemptions.csv` and `ledger.csv`, in
//! the order given (each batch must chain to the one before). Prints a
//! report in Chinese and English; exits 0 when every batch is intact, 1 when
//! any is not, 2 when called without a directory.
//!
//! `--anchor SEQ:HASH` gives a hash known from elsewhere (the platform's
//! acknowledgement of entry SEQ): a batch starting right after it is tied to
//! the kiosk's history. A batch that does not start at seq 1 and is given
//! neither the batch before it nor an anchor is reported as not anchored.

use aixin_kiosk::verify::{verify_batches_anchored, Anchor, BatchFiles};
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
    let usage = || {
        eprintln!(
            "用法 / usage: aixin-verify [--anchor 序号:哈希 / SEQ:HASH] 批次目录… / BATCH_DIR…"
        );
        ExitCode::from(2)
    };
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut anchor = None;
    if args.first().is_some_and(|arg| arg == "--anchor") {
        let parsed = args.get(1).and_then(|value| {
            let (seq, hash) = value.split_once(':')?;
            let hash = hash.to_ascii_lowercase();
            let valid = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
            Some(Anchor {
                seq: seq.parse().ok()?,
                hash,
            })
            .filter(|_| valid)
        });
        let Some(parsed) = parsed else {
            return usage();
        };
        anchor = Some(parsed);
        args.drain(..2);
    }
    if args.is_empty() {
        return usage();
    }
    let batches: Vec<BatchFiles> = args.iter().map(|dir| read_batch(Path::new(dir))).collect();
    let report = verify_batches_anchored(&batches, anchor.as_ref());
    print!("{}", report.render());
    if report.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
