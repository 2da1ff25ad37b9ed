//! Transactional email through Amazon SES (v2 SendEmail): plain text, one recipient.

use cargoflow_http::ApiError;

pub struct Mailer {
    client: aws_sdk_sesv2::Client,
    from: String,
}

impl Mailer {
    pub fn new(client: aws_sdk_sesv2::Client, from: String) -> Self {
        Self { client, from }
    }

    pub async fn send(&self, to: &str, subject: &str, text: &str) -> Result<(), ApiError> {
        use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
        let content = |s: &str| {
            Content::builder()
                .data(s)
                .charset("UTF-8")
                .build()
                .map_err(|e| ApiError::internal("building an email", e))
        };
        let message = Message::builder()
            .subject(content(subject)?)
            .body(Body::builder().text(content(text)?).build())
            .build();
        self.client
            .send_email()
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(to).build())
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await
            .map_err(|e| {
                ApiError::internal(
                    "sending an email",
                    aws_sdk_sesv2::error::DisplayErrorContext(e),
                )
            })?;
        Ok(())
    }
}
