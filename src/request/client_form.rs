//! A form request a client authenticates (RFC 6749 §2.3, §3.2), such as a
//! token request: the client's credentials and the other parameters.

use super::client_auth::BodyCredentials;
use super::form;
use super::params::check_content_type;
use super::{BodyEncoding, RequestReader};
use crate::client::ClientCredentials;
use crate::rejection::{
    DuplicateParameter, InvalidFormEncoding, ParameterInQuery, RequestRejection,
    RevocationRejection,
};
use http::request::Parts;
use std::fmt;

/// The parameters that carry a credential, refused in the query string
/// where proxies and servers log them (RFC 6749 §2.3.1, §3.2).
const SECRET_PARAMETERS: &[&str] = &[
    "client_secret",
    "client_assertion",
    "refresh_token",
    "code",
    "code_verifier",
    "password",
];

/// A form request authenticated by its client: for example an access
/// token request at the token endpoint (RFC 6749 §3.2, §4.4.2, §6). Read
/// by [`RequestReader::read_client_form`] with the revocation endpoint's
/// rules: a strict `application/x-www-form-urlencoded` body, every
/// parameter at most once, exactly one client authentication method.
///
/// `Debug` lists the parameter names only: their values may be
/// credentials (`refresh_token`, `code`).
pub struct ClientForm {
    /// The client credentials, from exactly one method; not yet verified.
    pub credentials: ClientCredentials,
    params: Vec<(String, String)>,
}

impl ClientForm {
    /// The value of the body parameter `name` (not `client_id` or
    /// `client_secret`, which are in [`credentials`](Self::credentials));
    /// `None` when it was not sent or sent empty (RFC 6749 §3.2: "treated as
    /// if they were omitted").
    ///
    /// # Security
    /// A value may be a credential: do not log it.
    pub fn get(&self, name: &str) -> Option<&str> {
        let found = self.params.iter().find(|(n, _)| n == name);
        found.map(|(_, value)| value.as_str())
    }
}

impl fmt::Debug for ClientForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.params.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("ClientForm")
            .field("credentials", &self.credentials)
            .field("params", &names)
            .finish()
    }
}

impl RequestReader {
    /// Reads a form request its client authenticates, such as a token
    /// request (RFC 6749 §3.2): the media type (a form, whatever this
    /// reader's body encoding), no credential in the query string, a strict
    /// form body with every parameter at most once, and exactly one client
    /// authentication method of this reader's.
    ///
    /// # Errors
    /// [`RevocationRejection::Request`] for a malformed request (400
    /// `invalid_request`), [`RevocationRejection::ClientAuth`] for client
    /// authentication (401 `invalid_client`, or 400 for more than one
    /// method).
    ///
    /// # Example
    /// ```
    /// use tower_revoke::client::ClientAuthMethod;
    /// use tower_revoke::request::RequestReader;
    ///
    /// let (parts, body) = http::Request::post("/token")
    ///     .header("content-type", "application/x-www-form-urlencoded")
    ///     .header("authorization", "Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW")
    ///     .body("grant_type=refresh_token&refresh_token=tGzv3JOkF0XG5Qx2TlKWIA")
    ///     .unwrap()
    ///     .into_parts();
    /// let form = RequestReader::default().read_client_form(&parts, body.as_bytes()).unwrap();
    /// assert_eq!(form.credentials.method(), ClientAuthMethod::ClientSecretBasic);
    /// assert_eq!(form.get("grant_type"), Some("refresh_token"));
    /// assert_eq!(form.get("scope"), None);
    /// ```
    pub fn read_client_form(
        &self,
        parts: &Parts,
        body: &[u8],
    ) -> Result<ClientForm, RevocationRejection> {
        check_content_type(&parts.headers, BodyEncoding::Form).map_err(RequestRejection::from)?;
        check_query(parts.uri.query(), &self.token_parameter)?;
        let mut params = parse(body)?;
        let mut take = |name: &str| {
            let index = params.iter().position(|(n, _)| n == name)?;
            Some(params.swap_remove(index).1)
        };
        let body = BodyCredentials {
            client_id: take("client_id"),
            client_secret: take("client_secret"),
            assertion_type: take("client_assertion_type"),
            assertion: take("client_assertion"),
        };
        let credentials = self.resolve_client(&parts.headers, body)?;
        Ok(ClientForm {
            credentials,
            params,
        })
    }
}

fn check_query(query: Option<&str>, token_parameter: &str) -> Result<(), RequestRejection> {
    let Some(query) = query else { return Ok(()) };
    let secret = |name: &[u8]| {
        SECRET_PARAMETERS
            .iter()
            .chain([&token_parameter])
            .any(|secret| form::name_is(name, secret))
    };
    match form::pairs(query.as_bytes()).any(|(name, _)| secret(name)) {
        true => Err(ParameterInQuery.into()),
        false => Ok(()),
    }
}

/// Every parameter, decoded strictly, each name at most once; empty values
/// left out.
fn parse(body: &[u8]) -> Result<Vec<(String, String)>, RequestRejection> {
    let mut params: Vec<(String, String)> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (raw_name, raw_value) in form::pairs(body) {
        let name = form::decode(raw_name).map_err(|_| InvalidFormEncoding)?;
        let value = form::decode(raw_value).map_err(|_| InvalidFormEncoding)?;
        if seen.iter().any(|n| *n == name) {
            return Err(DuplicateParameter.into());
        }
        seen.push(name.clone().into_owned());
        if !value.is_empty() {
            params.push((name.into_owned(), value.into_owned()));
        }
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(query: &str, body: &str) -> Result<ClientForm, RevocationRejection> {
        let (parts, _) = http::Request::post(format!("/token{query}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(())
            .unwrap()
            .into_parts();
        RequestReader::default().read_client_form(&parts, body.as_bytes())
    }

    #[test]
    fn body_credentials_and_parameters_are_read() {
        let form = read(
            "",
            "grant_type=client_credentials&client_id=app1&client_secret=s%2Bt&scope=",
        )
        .unwrap();
        assert_eq!(form.credentials.client_id().as_str(), "app1");
        assert_eq!(form.credentials.client_secret().unwrap().secret(), "s+t");
        assert_eq!(form.get("grant_type"), Some("client_credentials"));
        assert_eq!(form.get("scope"), None, "an empty value is absent");
        assert_eq!(form.get("client_secret"), None);
        assert!(!format!("{form:?}").contains("s+t"));
    }

    #[test]
    fn every_parameter_is_sent_once_and_never_in_the_query() {
        let twice = read("", "grant_type=a&grant_type=b&client_id=app1").unwrap_err();
        assert_eq!(twice.status(), 400);
        let empty_twice = read("", "scope=&scope=&client_id=app1").unwrap_err();
        assert_eq!(empty_twice.status(), 400);
        let leaked = read("?refresh_token=x", "client_id=app1").unwrap_err();
        assert_eq!(leaked.status(), 400);
        let bad = read("", "grant_type=%zz&client_id=app1").unwrap_err();
        assert_eq!(bad.status(), 400);
        assert!(read("?foo=bar", "client_id=app1").is_ok());
    }

    #[test]
    fn a_credential_is_required() {
        let missing = read("", "grant_type=client_credentials").unwrap_err();
        assert_eq!(missing.status(), 401);
    }
}
