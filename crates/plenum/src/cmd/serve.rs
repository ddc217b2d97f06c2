//! `plenum serve`: the web app and JSON API (crate plenum-web) on the
//! embedded default table, with the run registry under `--data-dir`.

use std::sync::Arc;

use anyhow::{bail, Context, Result};
use plenum_scenario::Quarter;

use crate::cli::ServeArgs;

pub fn serve(args: ServeArgs) -> Result<()> {
    let mut cfg = plenum_web::Config::new(args.addr, args.data_dir.clone());
    cfg.token = args
        .token
        .clone()
        .or_else(|| std::env::var("PLENUM_TOKEN").ok())
        .filter(|t| !t.is_empty());
    cfg.queue = args.queue;
    cfg.workers = args.workers;
    cfg.max_body = args.max_body;
    cfg.run_timeout = std::time::Duration::from_secs(args.run_timeout);
    cfg.max_draws = args.max_draws;
    cfg.max_end = match Quarter::parse(&args.max_end, false) {
        Some(q) => q,
        None => bail!("--max-end {}: expected a quarter like 2035Q4", args.max_end),
    };
    cfg.check()?;
    let pb = crate::progress::spinner("loading the embedded default table");
    let table = crate::embedded::default_table()?;
    let info = plenum_web::TableInfo::new(&table).context("preparing the table for the server")?;
    pb.finish_and_clear();
    let tokened = cfg.token.is_some();
    plenum_web::serve_blocking(cfg, Arc::new(info), |addr| {
        let _ = crate::outln!(
            "plenum serve: http://{addr}/ (data dir {})",
            args.data_dir.display()
        );
        if tokened {
            let _ = crate::outln!("API calls need `Authorization: Bearer TOKEN`; open pages once with http://{addr}/?token=TOKEN");
        }
        let _ = crate::outln!("Ctrl-C stops the server; runs are kept in the data dir.");
    })?;
    Ok(())
}
