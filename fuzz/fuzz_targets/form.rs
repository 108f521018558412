//! The strict `application/x-www-form-urlencoded` revocation request body
//! (RFC 7009 §2.1, RFC 6749 Appendix B) through the public entry points
//! `RequestReader::read_request` and `read_client_revocation`.
//!
//! Invariants: no panic; every refusal is a 400 `invalid_request` (a 401
//! `invalid_client` for client authentication); an accepted body agrees with
//! a lenient reference decoder (`form_urlencoded::parse`) on the token, and
//! the token survives re-encoding.

#![no_main]

use http::request::Parts;
use libfuzzer_sys::fuzz_target;
use tower_revoke::client::ClientAuthMethod;
use tower_revoke::request::RequestReader;
use tower_revoke::response::ErrorCode;
use tower_revoke_fuzz::form_encode;

fn parts() -> Parts {
    http::Request::post("/revoke")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(())
        .unwrap()
        .into_parts()
        .0
}

fuzz_target!(|body: &[u8]| {
    let parts = parts();
    for name in ["token", "access_token"] {
        let config = RequestReader::default().token_parameter(name);
        let request = config.read_request(&parts, body);
        let revocation = config.read_client_revocation(&parts, body);

        // The lenient reference: what a forgiving parser reads as the token.
        let lenient: Vec<String> = form_urlencoded::parse(body)
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
            .collect();

        match &request {
            Ok(request) => {
                let token = request.token().secret();
                assert!(!token.is_empty());
                assert_eq!(lenient, [token], "strict and lenient readings differ");
                let again = config
                    .read_request(&parts, format!("{name}={}", form_encode(token)).as_bytes())
                    .expect("a re-encoded token parses");
                assert_eq!(again.token().secret(), token);
                if let Some(hint) = request.token_type_hint() {
                    assert!(!hint.as_str().is_empty());
                }
            }
            Err(rejection) => {
                assert_eq!(rejection.status(), 400);
                assert_eq!(rejection.error_code(), ErrorCode::InvalidRequest);
                assert!(
                    revocation.is_err(),
                    "read_client_revocation accepted what read_request refused"
                );
            }
        }
        match revocation {
            Ok(revocation) => {
                let token = request
                    .as_ref()
                    .expect("read_request agrees")
                    .token()
                    .secret();
                assert_eq!(revocation.request.token().secret(), token);
                let credentials = &revocation.credentials;
                assert!(matches!(
                    credentials.method(),
                    ClientAuthMethod::ClientSecretPost | ClientAuthMethod::None
                ));
                assert_eq!(
                    credentials.client_secret().is_some(),
                    credentials.method() == ClientAuthMethod::ClientSecretPost
                );
                let id = credentials.client_id().as_str();
                assert!(!id.is_empty() && !id.chars().any(char::is_control));
            }
            Err(rejection) => {
                let status = rejection.status();
                assert!(status == 400 || status == 401, "{status}");
            }
        }
    }
});
