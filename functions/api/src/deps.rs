//! What a function instance builds once, outside the handler, and shares across invocations.

use std::collections::HashSet;
use std::sync::Mutex;

use cargoflow_auth::TokenRules;
use cargoflow_aws::{SdkConfig, SharedInterceptor};
use cargoflow_http::AppConfig;
use cargoflow_store::Store;

pub struct Deps {
    pub config: AppConfig,
    pub store: Store,
    /// Verifies access tokens with the published public keys (every function).
    pub auth: cargoflow_http::Authenticator,
    /// The process's one SDK configuration: every client below is built from it.
    sdk: SdkConfig,
    /// What every client carries (the call recorder when on; a test's fault injector).
    interceptors: Vec<SharedInterceptor>,
    /// The functions whose instance has run its init here (the local host plays one
    /// instance of every function in one process).
    started: Mutex<HashSet<&'static str>>,
    /// This instance's share of the busy rate-limit counters (drivers' requests, tracking
    /// views): written to the table a batch of hits at a time.
    pub rate_counts: cargoflow_store::throttle::LocalCounts,
    /// Built on first use, so only the functions that publish (relay, sweeper) pay for it.
    publisher: tokio::sync::OnceCell<crate::publish::Publisher>,
    /// SQS, the webhook queues' URLs and the webhook HTTP client: only the dispatcher and
    /// the replays build them.
    sqs: std::sync::OnceLock<aws_sdk_sqs::Client>,
    queue_url: tokio::sync::OnceCell<String>,
    dlq_url: tokio::sync::OnceCell<String>,
    webhook_client: std::sync::OnceLock<crate::webhook_client::WebhookClient>,
    /// S3 (the file bucket: POD files, import files): only the functions that use it build it.
    s3: std::sync::OnceLock<aws_sdk_s3::Client>,
    /// The WebSocket management API: only the functions that push build it.
    pusher: tokio::sync::OnceCell<crate::live::Pusher>,
    /// The import queue's URL: only the import functions look it up.
    import_queue_url: tokio::sync::OnceCell<String>,
    /// The private signing key's reader: only the issuing functions build it.
    signer: std::sync::OnceLock<crate::signing::Signer>,
    /// Secrets Manager: the issuers (reading the key) and key rotation (writing it).
    secrets: std::sync::OnceLock<aws_sdk_secretsmanager::Client>,
    /// Transactional email: only the functions that send it build it.
    mailer: std::sync::OnceLock<crate::mailer::Mailer>,
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(transparent)]
    Config(#[from] cargoflow_http::config::ConfigError),
}

impl Deps {
    /// The dependencies of a function instance: clients from `sdk`, with the call recorder
    /// when `AWS_CALL_LOG` is set.
    pub fn new(config: AppConfig, sdk: SdkConfig) -> Result<Self, InitError> {
        Self::with_interceptors(config, sdk, Vec::new())
    }

    /// [`Self::new`], every client also carrying `extra` (tests inject faults or count
    /// requests with it).
    pub fn with_interceptors(
        config: AppConfig,
        sdk: SdkConfig,
        extra: Vec<SharedInterceptor>,
    ) -> Result<Self, InitError> {
        let mut interceptors = cargoflow_aws::function_interceptors(&sdk);
        interceptors.extend(extra);
        let store = Store::from_sdk(&sdk, &interceptors, config.table_name.clone());
        let rules = TokenRules::new(
            config.jwt_issuer.clone(),
            time::Duration::seconds(config.access_ttl_secs),
            time::Duration::seconds(config.refresh_ttl_secs),
        );
        let auth = cargoflow_http::Authenticator::new(
            rules,
            store.clone(),
            std::time::Duration::from_secs(config.auth_state_cache_secs),
        );
        Ok(Self {
            config,
            store,
            auth,
            sdk,
            interceptors,
            started: Mutex::new(HashSet::new()),
            rate_counts: cargoflow_store::throttle::LocalCounts::new(
                crate::driver_scope::RATE_LIMIT_BATCH,
            ),
            publisher: tokio::sync::OnceCell::new(),
            sqs: std::sync::OnceLock::new(),
            queue_url: tokio::sync::OnceCell::new(),
            dlq_url: tokio::sync::OnceCell::new(),
            webhook_client: std::sync::OnceLock::new(),
            s3: std::sync::OnceLock::new(),
            pusher: tokio::sync::OnceCell::new(),
            import_queue_url: tokio::sync::OnceCell::new(),
            signer: std::sync::OnceLock::new(),
            secrets: std::sync::OnceLock::new(),
            mailer: std::sync::OnceLock::new(),
        })
    }

    /// The SES mailer (on first use).
    pub fn mailer(&self) -> &crate::mailer::Mailer {
        self.mailer.get_or_init(|| {
            crate::mailer::Mailer::new(
                cargoflow_aws::client!(aws_sdk_sesv2, &self.sdk, self.interceptors),
                self.config.email_from.clone(),
            )
        })
    }

    /// The Secrets Manager client (on first use).
    pub fn secrets(&self) -> &aws_sdk_secretsmanager::Client {
        self.secrets.get_or_init(|| {
            cargoflow_aws::client!(aws_sdk_secretsmanager, &self.sdk, self.interceptors)
        })
    }

    /// The token rules (issuer, audiences, lifetimes).
    pub fn tokens(&self) -> &TokenRules {
        self.auth.rules()
    }

    /// The private signing key (issuing functions only: their policy alone may read it).
    pub async fn signing_key(
        &self,
    ) -> Result<std::sync::Arc<cargoflow_auth::SigningKey>, cargoflow_http::ApiError> {
        self.signer
            .get_or_init(|| {
                crate::signing::Signer::new(
                    self.secrets().clone(),
                    self.config.signing_key_secret_id.clone(),
                    std::time::Duration::from_secs(self.config.signing_key_reload_secs),
                )
            })
            .key(&self.store)
            .await
    }

    /// The EventBridge publisher (from the environment, on first use).
    pub async fn publisher(&self) -> &crate::publish::Publisher {
        self.publisher
            .get_or_init(|| async {
                crate::publish::Publisher::from_sdk(
                    &self.sdk,
                    &self.interceptors,
                    self.config.event_bus_name.clone(),
                )
            })
            .await
    }

    /// The S3 client (on first use): endpoint, region and credentials from the SDK
    /// configuration (`AWS_ENDPOINT_URL_S3` included), path-style addressing when
    /// `S3_FORCE_PATH_STYLE` says so (endpoints without bucket subdomains, such as moto).
    pub fn s3(&self) -> &aws_sdk_s3::Client {
        self.s3.get_or_init(|| {
            let path_style = self.config.s3_force_path_style;
            cargoflow_aws::client!(aws_sdk_s3, &self.sdk, self.interceptors, |b| b
                .force_path_style(path_style))
        })
    }

    /// The POD files in the file bucket (presigned uploads and downloads, checks, copies).
    pub fn pod_files(&self) -> crate::pod_files::PodFiles<'_> {
        crate::pod_files::PodFiles::new(self.s3(), &self.config.pod_bucket)
    }

    /// The CSV import objects (in the file bucket under `imports/`).
    pub fn import_files(&self) -> crate::import_files::ImportFiles<'_> {
        crate::import_files::ImportFiles::new(self.s3(), &self.config.pod_bucket)
    }

    /// The import queue's URL: `IMPORT_QUEUE_URL` (set by template.yaml), else looked up by
    /// `IMPORT_QUEUE_NAME` once.
    pub async fn import_queue_url(&self) -> Result<&str, String> {
        self.import_queue_url
            .get_or_try_init(|| {
                self.lookup(
                    &self.config.import_queue_url,
                    &self.config.import_queue_name,
                )
            })
            .await
            .map(String::as_str)
    }

    /// The WebSocket pusher (management API client, on first use).
    pub async fn pusher(&self) -> &crate::live::Pusher {
        self.pusher
            .get_or_init(|| async {
                crate::live::Pusher::new(
                    &self.sdk,
                    &self.interceptors,
                    self.config.websocket_management_url.clone(),
                )
            })
            .await
    }

    /// The SQS client (on first use).
    pub fn sqs(&self) -> &aws_sdk_sqs::Client {
        self.sqs
            .get_or_init(|| cargoflow_aws::client!(aws_sdk_sqs, &self.sdk, self.interceptors))
    }

    /// The webhook queue's URL: configured (`WEBHOOK_QUEUE_URL`, as in AWS) or looked up by
    /// its name once.
    pub async fn webhook_queue_url(&self) -> Result<&str, String> {
        self.queue_url
            .get_or_try_init(|| {
                self.lookup(
                    &self.config.webhook_queue_url,
                    &self.config.webhook_queue_name,
                )
            })
            .await
            .map(String::as_str)
    }

    /// The webhook dead-letter queue's URL (configured, or looked up by name once).
    pub async fn webhook_dlq_url(&self) -> Result<&str, String> {
        self.dlq_url
            .get_or_try_init(|| {
                self.lookup(&self.config.webhook_dlq_url, &self.config.webhook_dlq_name)
            })
            .await
            .map(String::as_str)
    }

    /// The URL of the queue named `name` (the last part of a message's source ARN): one of the
    /// webhook queues without a request when it is one of them, else looked up.
    pub async fn url_of_queue(&self, name: &str) -> Result<String, String> {
        let is = |url: &str, configured_name: &str| {
            name == configured_name || (!url.is_empty() && url.ends_with(&format!("/{name}")))
        };
        if is(
            &self.config.webhook_queue_url,
            &self.config.webhook_queue_name,
        ) {
            return self.webhook_queue_url().await.map(str::to_string);
        }
        if is(&self.config.webhook_dlq_url, &self.config.webhook_dlq_name) {
            return self.webhook_dlq_url().await.map(str::to_string);
        }
        self.lookup("", name).await
    }

    /// `set` when configured, else looked up by `name`.
    async fn lookup(&self, set: &str, name: &str) -> Result<String, String> {
        if !set.is_empty() {
            return Ok(set.to_string());
        }
        self.sqs()
            .get_queue_url()
            .queue_name(name)
            .send()
            .await
            .map_err(|e| format!("GetQueueUrl {name}: {e:?}"))
            .map(|o| o.queue_url.unwrap_or_default())
    }

    pub fn webhook_client(&self) -> &crate::webhook_client::WebhookClient {
        self.webhook_client.get_or_init(|| {
            crate::webhook_client::WebhookClient::new(
                std::time::Duration::from_secs(self.config.webhook_timeout_secs),
                self.config.webhook_allow_loopback,
            )
        })
    }

    /// Uses this publisher instead of one from the environment (tests inject failures with it).
    pub fn with_publisher(self, publisher: crate::publish::Publisher) -> Self {
        let cell = tokio::sync::OnceCell::new();
        let _ = cell.set(publisher);
        Self {
            publisher: cell,
            ..self
        }
    }

    /// Uses this store instead of the one built from the SDK configuration (the token
    /// verifier's reads included).
    pub fn with_store(self, store: Store) -> Self {
        let auth = cargoflow_http::Authenticator::new(
            self.auth.rules().clone(),
            store.clone(),
            std::time::Duration::from_secs(self.config.auth_state_cache_secs),
        );
        Self {
            store,
            auth,
            ..self
        }
    }

    /// The SDK configuration the clients are built from.
    pub fn sdk(&self) -> &SdkConfig {
        &self.sdk
    }

    /// Reads the configuration and builds the AWS clients from the process's one SDK
    /// configuration.
    pub async fn from_env() -> Result<Self, InitError> {
        let config = AppConfig::from_env()?;
        Self::new(config, cargoflow_aws::shared_config().await)
    }

    /// Runs `function`'s init the first time it is called here: the DynamoDB warm-up, as a
    /// Lambda instance does before its first request (see runtime.rs). The local host calls
    /// it before each invocation; it does nothing after the first.
    pub async fn start_instance(&self, function: &'static str) {
        let first = self
            .started
            .lock()
            .map(|mut s| s.insert(function))
            .unwrap_or(false);
        if first {
            crate::runtime::warm_up(self, function).await;
        }
    }
}
