//! Rejections never echo what the client submitted.

use crate::echo::strict_router;
use crate::support::request::{basic, form, get, Req};

const TOKEN: &str = "tok-3f9a1c";
const CLIENT_ID: &str = "cid-71b2e4";
const SECRET: &str = "sec-c0de55";

#[tokio::test]
async fn rejections_never_echo_the_token_client_id_or_secret() {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    let encoded = STANDARD.encode(format!("{CLIENT_ID}:{SECRET}"));
    let requests: Vec<Req> = vec![
        form(
            "/revoke",
            format!("token={TOKEN}&token={TOKEN}&client_id={CLIENT_ID}"),
        ),
        form("/revoke", format!("token={TOKEN}")),
        form(
            "/revoke",
            format!("token={TOKEN}&client_id={CLIENT_ID}&client_secret={SECRET}"),
        )
        .header("authorization", basic(format!("{CLIENT_ID}:{SECRET}"))),
        form("/revoke", format!("token={TOKEN}&client_id=other"))
            .header("authorization", basic(format!("{CLIENT_ID}:{SECRET}"))),
        form("/revoke", format!("token={TOKEN}"))
            .header("authorization", format!("Basic {encoded}="))
            .header("authorization", format!("Basic {encoded}")),
        form("/revoke", format!("token={TOKEN}"))
            .header("authorization", basic(format!("{CLIENT_ID}:{SECRET}\u{1}"))),
        form("/revoke", format!("token={TOKEN}"))
            .header("authorization", format!("Basic {encoded} {SECRET}")),
        form("/revoke", format!("token={TOKEN}"))
            .header("authorization", format!("Bearer {TOKEN}")),
        form(
            &format!("/revoke?client_secret={SECRET}"),
            format!("token={TOKEN}&client_id={CLIENT_ID}"),
        ),
        form(&format!("/request?token={TOKEN}"), format!("token={TOKEN}")),
        form(
            "/request",
            format!("token={TOKEN}%ZZ&client_secret={SECRET}"),
        ),
        form(
            "/request",
            format!("token={TOKEN}&client_secret={SECRET}&client_secret={SECRET}"),
        ),
        get("/client").header("authorization", basic(format!("{CLIENT_ID}:{SECRET}%ZZ"))),
        get("/client-optional").header("authorization", format!("Bearer {TOKEN}")),
        get("/bearer").header("authorization", format!("Bearer {TOKEN} {SECRET}")),
        get("/bearer-optional").header("authorization", format!("Bearer ={TOKEN}")),
    ];
    let app = strict_router();
    for request in requests {
        let reply = request.send(&app).await;
        assert!(reply.status.is_client_error(), "{:?}", reply.status);
        reply.assert_hides(&[TOKEN, CLIENT_ID, SECRET, &encoded]);
    }
}
