//! What a function instance builds once, outside the handler, and shares across invocations.

use cargoflow_auth::TokenService;
use cargoflow_http::AppConfig;
use cargoflow_store::Store;

pub struct Deps {
    pub config: AppConfig,
    pub store: Store,
    pub tokens: TokenService,
    /// Built on first use, so only the functions that publish (relay, sweeper) pay for it.
    publisher: tokio::sync::OnceCell<crate::publish::Publisher>,
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(transparent)]
    Config(#[from] cargoflow_http::config::ConfigError),
    #[error("token service: {0}")]
    Tokens(#[from] cargoflow_auth::ConfigError),
}

impl Deps {
    pub fn new(config: AppConfig, store: Store) -> Result<Self, InitError> {
        let tokens = TokenService::new(
            config.jwt_issuer.clone(),
            config.jwt_secret.as_bytes(),
            time::Duration::seconds(config.access_ttl_secs),
            time::Duration::seconds(config.refresh_ttl_secs),
        )?;
        Ok(Self {
            config,
            store,
            tokens,
            publisher: tokio::sync::OnceCell::new(),
        })
    }

    /// The EventBridge publisher (from the environment, on first use).
    pub async fn publisher(&self) -> &crate::publish::Publisher {
        self.publisher
            .get_or_init(|| crate::publish::Publisher::from_env(self.config.event_bus_name.clone()))
            .await
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

    /// Reads the configuration and builds the AWS clients from the environment.
    pub async fn from_env() -> Result<Self, InitError> {
        let config = AppConfig::from_env()?;
        let store = Store::from_env(config.table_name.clone()).await;
        Self::new(config, store)
    }
}
