//! `tongban serve`: the web server, optionally on the demo city.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusBuilder;
use tongban_store::sessions::SessionPolicy;
use tongban_web::{AppState, WebSettings};

use crate::cli::DbArg;
use crate::clock::SystemClock;
use crate::config::Settings;

pub async fn run(
    settings: &Settings,
    listen: Option<String>,
    demo: bool,
    db: &DbArg,
) -> anyhow::Result<ExitCode> {
    let mut address: SocketAddr = listen
        .as_deref()
        .unwrap_or(&settings.listen)
        .parse()
        .map_err(|e| anyhow::anyhow!("listen address: {e}"))?;
    if demo && !address.ip().is_loopback() {
        tracing::warn!(%address, "demo mode binds to 127.0.0.1 only");
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let store = super::open(settings, db).await?;
    let data_key = settings.data_key(demo)?;
    if demo {
        crate::demo::load_if_empty(&store, &SystemClock).await?;
        crate::demo_history::load_if_empty(&store, &SystemClock, &settings.zone()?, &data_key)
            .await?;
    }
    let metrics = PrometheusBuilder::new().install_recorder()?;
    let listener = tokio::net::TcpListener::bind(address).await?;
    let bound = listener.local_addr()?;
    let web = WebSettings {
        secure_cookies: settings.secure_cookies,
        behind_proxy: settings.behind_proxy,
        public_url: settings.portal_url(&bound.to_string()),
        session: SessionPolicy {
            idle_millis: settings.session_idle_minutes * 60_000,
            absolute_millis: settings.session_absolute_hours * 3_600_000,
        },
        time_zone: settings.zone()?,
        data_key: data_key.clone(),
        applicant_sms: settings.sms_url.is_some(),
        external_login: settings.external_login(),
    };
    let state = AppState::new(store.clone(), Arc::new(SystemClock), web, metrics);
    println!("通办 Tongban 已启动 / listening on http://{bound}");
    if demo {
        println!(
            "演示账号 demo accounts (password {}): {}",
            crate::demo::DEMO_PASSWORD,
            crate::demo::demo_usernames().collect::<Vec<_>>().join(", ")
        );
    }
    let supervision = tokio::spawn(crate::jobs::supervise(
        store.clone(),
        Arc::new(SystemClock),
        settings.zone()?,
        std::time::Duration::from_secs(settings.supervision_interval_seconds),
        data_key.clone(),
        settings.notifier(&data_key)?,
    ));
    // The peer address keys sign-in throttling (see tongban_store::login).
    let app =
        tongban_web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await?;
    supervision.abort();
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown() {
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
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
    tracing::info!("shutting down");
}
