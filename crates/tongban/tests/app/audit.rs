//! The audit log's hash chain: intact after real work, and any altered or removed row is
//! named by `verify`.

use tongban_store::audit::{Verification, verify};

use crate::helpers::{TestApp, raw_execute};
use crate::on_both;

on_both!(tampering_is_detected);

async fn tampering_is_detected(app: TestApp) {
    let Verification::Intact { rows } = verify(&app.store).await.unwrap() else {
        panic!("fresh chain broken")
    };
    assert!(rows >= 3, "the demo city's history is audited: {rows} rows");

    raw_execute(
        &app.db_url,
        "UPDATE audit_log SET detail = '{\"reason\":\"forged\"}' WHERE seq = 2",
    )
    .await;
    assert_eq!(
        verify(&app.store).await.unwrap(),
        Verification::Broken {
            seq: 2,
            reason: "its content does not match its hash".into()
        }
    );
}

on_both!(removing_the_last_row_is_detected);

async fn removing_the_last_row_is_detected(app: TestApp) {
    let Verification::Intact { rows } = verify(&app.store).await.unwrap() else {
        panic!("fresh chain broken")
    };
    raw_execute(
        &app.db_url,
        &format!("DELETE FROM audit_log WHERE seq = {rows}"),
    )
    .await;
    assert!(
        matches!(verify(&app.store).await.unwrap(), Verification::Broken { seq, .. } if seq == rows)
    );
}
