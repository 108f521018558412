//! The form of an answer: a request to another path reaches the inner
//! service once, untouched; an endpoint answer carries the cache headers,
//! one of the expected statuses and the content its status calls for, a
//! 405 names `POST`, and a `HEAD` answer is the `GET` one without its
//! content.

use crate::body::FuzzBody;
use crate::harness::Harness;
use crate::model::store_active;
use crate::service::{call, Answer};
use http::header::{HeaderValue, CACHE_CONTROL, CONTENT_LENGTH, PRAGMA};
use http::request::Parts;
use http::{Request, StatusCode};

impl Harness {
    /// A request to another path reached the inner service, once, and
    /// changed nothing.
    pub(crate) fn check_passthrough(
        &self,
        answer: &Answer,
        calls_before: usize,
        before: &[bool],
        after: &[bool],
    ) {
        assert_eq!(self.calls_since(calls_before), 1, "inner called once");
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.headers["x-inner"], "1");
        assert_eq!(answer.content, b"inner");
        assert_eq!(before, after, "passthrough changed the store");
    }

    /// The endpoint's answer to `request`, which left the store `after`.
    pub(crate) fn check_endpoint_answer(
        &mut self,
        request: &Parts,
        answer: &Answer,
        calls_before: usize,
        after: &[bool],
    ) {
        let Answer {
            status, headers, ..
        } = answer;
        assert_eq!(
            self.calls_since(calls_before),
            0,
            "inner called for the endpoint path"
        );
        assert_eq!(
            headers.get(CACHE_CONTROL).map(|v| v.as_bytes()),
            Some(&b"no-store"[..])
        );
        assert_eq!(
            headers.get(PRAGMA).map(|v| v.as_bytes()),
            Some(&b"no-cache"[..])
        );
        assert!(
            matches!(status.as_u16(), 200 | 204 | 400 | 401 | 404 | 405 | 413),
            "unexpected status {status}"
        );
        if request.method == http::Method::HEAD {
            let content = self.check_head(request, answer, calls_before, after);
            check_content(*status, &content);
        } else {
            if let Some(length) = headers.get(CONTENT_LENGTH) {
                let expected = answer.content.len().to_string();
                assert_eq!(length.as_bytes(), expected.as_bytes(), "Content-Length");
            }
            check_content(*status, &answer.content);
        }
        if request.method != http::Method::POST {
            assert_eq!(*status, StatusCode::METHOD_NOT_ALLOWED);
            assert_eq!(headers["allow"], "POST");
        }
    }

    /// A HEAD answer is the GET answer without its content, with the
    /// Content-Length of that content (RFC 9110 §9.3.2, §8.6): sends the
    /// GET (with an empty body) and returns its content.
    fn check_head(
        &mut self,
        request: &Parts,
        answer: &Answer,
        calls_before: usize,
        after: &[bool],
    ) -> Vec<u8> {
        assert!(answer.content.is_empty(), "content in a HEAD response");
        let mut get = Request::builder()
            .method(http::Method::GET)
            .uri(request.uri.clone());
        *get.headers_mut().unwrap() = request.headers.clone();
        let get = get.body(FuzzBody::empty()).unwrap();
        let mut get = call(&mut self.service, get);
        assert_eq!(answer.status, get.status, "HEAD and GET answers differ");
        let length = answer.headers.get(CONTENT_LENGTH).map(|v| v.as_bytes());
        assert_eq!(
            length,
            Some(get.content.len().to_string().as_bytes()),
            "HEAD Content-Length"
        );
        get.headers
            .insert(CONTENT_LENGTH, HeaderValue::from(get.content.len()));
        assert_eq!(answer.headers, get.headers, "HEAD and GET headers differ");
        assert_eq!(self.calls_since(calls_before), 0, "inner called for GET");
        assert_eq!(store_active(&self.store), after, "GET changed the store");
        get.content
    }
}

/// The content `status` calls for: none for 204 and 404, `{}` for a
/// success, a JSON object with an `error` string otherwise.
fn check_content(status: StatusCode, content: &[u8]) {
    if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_FOUND {
        assert!(content.is_empty());
    } else {
        let json: serde_json::Value = serde_json::from_slice(content).expect("JSON body");
        if status.is_success() {
            assert_eq!(json, serde_json::json!({}));
        } else {
            assert!(json["error"].is_string());
        }
    }
}
