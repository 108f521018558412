//! Stand-in public keys: what a client assertion's signature is checked
//! against when its client is unknown or has no key for its `alg`, so
//! that such a request costs what a known client's does (RFC 7523 §3 asks
//! for nothing here; this keeps timing from telling which client ids
//! exist). Random keys whose private halves were thrown away: nothing
//! verifies against them.

use crate::jwt::JwtKey;
use jsonwebtoken::Algorithm;
use std::sync::OnceLock;

/// RSA-2048 (the most common client key size, for RS* and PS*), P-256
/// for ES256, P-384 for ES384, Ed25519 for EdDSA, as a JWK Set.
const JWKS: &str = concat!(
    r#"{"keys":["#,
    r#"{"kty":"RSA","e":"AQAB","n":"t9cJ6ZJoTvudc-sR61cY8hflodr8zUnW2mLenCfLMQ7hBtG_FSsCs4Z5aHD9FeEIziBXj_4EIy-AvEiEPYCfYc6w23mzyvMLiL8kwMBjWR2OM9chFL0I2kpw9CzF0TVTHoiWn_ADv_AAmtYPLp-9Ay6M_A8CpwYyuWv1nGZZGNXRki_eGyDmPtmYgITTQttKPAOSKu6RzwL7GdPABFxBPfF5baqcjbP59W0kGVK_ajzRmTqEP2Wnd3J6AQrgEoyX9UtCXsYa91kAmiTyhLYCgYbGu4HacmAgon8ut2cnmrOt_kjKkxZc1Y4C3sdF4_LHr1KbSqR9qVVaklE8bQvyyw"},"#,
    r#"{"kty":"EC","crv":"P-256","alg":"ES256","x":"JQOZE3_9rqmMoEhy6pHWC88ZLBaUQPTG5prTX5PiNtc","y":"64Ajs80Vb7Kg6Af2DXzEDZvnD29eaiS-XHqEkUp1AwM"},"#,
    r#"{"kty":"EC","crv":"P-384","alg":"ES384","x":"-1NvDaS2rkTi-Pzaw9hee9ygRGkIsjcYzPCI0iVLS40SvHdUbUGJS3sqkuWh0Eoq","y":"-OGyWloNF5_QgubeiS3YYT-V_qeNxMd5ALMnaMPuWVHRfgXdhJSGupcZ4Vh5puYF"},"#,
    r#"{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","x":"vGqH_YHwxB7_GjzUMIhtRYJylzoUsctZO5QxDrlJ7Sc"}"#,
    "]}"
);

/// The stand-in keys, parsed per request as a client's registered set
/// is, so that an unknown client's request does the same work as a known
/// one's.
pub(super) fn keys() -> Vec<JwtKey> {
    JwtKey::jwks(JWKS).expect("the stand-in keys are a JWK Set")
}

/// The stand-in key for `alg`, an asymmetric algorithm, as a set of one:
/// for a client whose keys include none for `alg`.
pub(super) fn key(alg: Algorithm) -> &'static [JwtKey] {
    static KEYS: OnceLock<Vec<JwtKey>> = OnceLock::new();
    let keys = KEYS.get_or_init(keys);
    let at = keys.iter().position(|key| key.accepts(alg, None));
    std::slice::from_ref(&keys[at.unwrap_or(0)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::AlgorithmFamily;

    #[test]
    fn each_algorithm_has_a_key_of_its_family() {
        for alg in [
            Algorithm::RS256,
            Algorithm::PS512,
            Algorithm::ES256,
            Algorithm::ES384,
            Algorithm::EdDSA,
        ] {
            let [stand_in] = key(alg) else {
                panic!("one key for {alg:?}")
            };
            assert_eq!(stand_in.key.family(), alg.family(), "{alg:?}");
            assert!(stand_in.allowed_algorithms().contains(&alg), "{alg:?}");
        }
        assert_ne!(key(Algorithm::EdDSA)[0].key.family(), AlgorithmFamily::Hmac);
        assert_eq!(keys().len(), 4);
    }
}
