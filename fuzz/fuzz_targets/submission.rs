//! The body of `POST /api/v1/statements`, decoded as the node does: the
//! JSON extractor, the transport encoding (base64, hex), then the
//! statement bytes; an error becomes the answer's JSON body.
#![no_main]

use axum::response::IntoResponse;
use axum::Json;
use libfuzzer_sys::fuzz_target;
use truce_record::Candidate;
use truce_server::Submission;

fuzz_target!(|data: &[u8]| {
    let Ok(Json(submission)) = Json::<Submission>::from_bytes(data) else {
        return;
    };
    match submission.decode() {
        Ok(signed) => {
            let _ = Candidate::decode(signed);
        }
        Err(error) => {
            let _ = error.into_response();
        }
    }
});
