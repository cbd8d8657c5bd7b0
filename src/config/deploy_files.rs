//! The deployment files configure real settings: every `BOTWOT__...` variable (and
//! `JWT_SECRET_KEY`) that `deploy/compose.yaml` and `deploy/k8s/` give a node, and the
//! ConfigMap's `botwot.toml`, load through [`Config::load`], which refuses unknown fields and
//! values of the wrong type.
//!
//! The files are read without a YAML parser (none is a dependency): settings are picked from the
//! two forms the files use, `NAME: value` (compose's environment mapping, a Secret's
//! `stringData`) and `- name: NAME` followed by `value:` (a container's `env`). Any other
//! non-comment line that mentions a setting fails the test, so none goes unchecked.

use super::*;
use botwot_storage::BlobConfig;
use std::collections::HashMap;

/// What stands for a value the Kubernetes downward API fills in.
const POD_NAME: &str = "botwot-0";
const POD_NAMESPACE: &str = "botwot";

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
}

fn is_setting(name: &str) -> bool {
    name.starts_with(ENV_PREFIX) || name == JWT_SECRET_ENV
}

/// A YAML scalar as written on one line: double-quoted, single-quoted or plain.
fn scalar(raw: &str) -> String {
    let raw = raw.trim();
    if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        inner.replace("\\\"", "\"").replace("\\\\", "\\")
    } else if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        inner.replace("''", "'")
    } else {
        raw.to_owned()
    }
}

/// The settings a YAML file sets, in file order (a later one wins, as in the environment).
fn settings_in_yaml(file: &str, text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut settings = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('#')
            || !(trimmed.contains(ENV_PREFIX) || trimmed.contains(JWT_SECRET_ENV))
        {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix("- name:").map(str::trim) {
            let next = lines[index + 1..]
                .iter()
                .map(|l| l.trim())
                .find(|l| !l.is_empty() && !l.starts_with('#'))
                .unwrap_or("");
            let value = if let Some(value) = next.strip_prefix("value:") {
                scalar(value)
            } else if next.starts_with("valueFrom:") {
                POD_NAME.to_owned()
            } else {
                panic!(
                    "{file}:{}: {name} has neither value nor valueFrom",
                    index + 1
                );
            };
            settings.push((name.to_owned(), value));
            continue;
        }
        match trimmed.split_once(':') {
            Some((name, value)) if is_setting(name) => {
                settings.push((name.to_owned(), scalar(value)));
            }
            _ => panic!(
                "{file}:{}: a setting in a form this check does not read: {trimmed}",
                index + 1
            ),
        }
    }
    settings
}

/// `NAME=value` lines of a dotenv file.
fn dotenv(text: &str) -> HashMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

/// Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?message}`, from `vars`; a variable that
/// is empty there (a secret the operator fills in) becomes a placeholder.
fn interpolate(value: &str, vars: &HashMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map(|end| start + end)
            .unwrap_or_else(|| panic!("unclosed ${{ in {value}"));
        let expression = &rest[start + 2..end];
        let (name, default) = match expression.split_once(":-") {
            Some((name, default)) => (name, Some(default)),
            None => (expression.split(":?").next().unwrap_or(expression), None),
        };
        let known = vars
            .get(name)
            .unwrap_or_else(|| panic!("{name} is used by compose.yaml but not in .env.example"));
        let resolved = match (known.is_empty(), default) {
            (false, _) => known.clone(),
            (true, Some(default)) => default.to_owned(),
            (true, None) => format!("placeholder-for-{name}"),
        };
        out.push_str(&resolved);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The block scalar under `key: |` in a YAML file, without its indentation.
fn block_scalar(text: &str, key: &str) -> String {
    let header_line = format!("{key}: |");
    let mut lines = text.lines().skip_while(|line| line.trim() != header_line);
    let header = lines
        .next()
        .unwrap_or_else(|| panic!("no `{key}: |` block"));
    let key_indent = header.len() - header.trim_start().len();
    let body: Vec<&str> = lines
        .take_while(|line| {
            line.trim().is_empty() || line.len() - line.trim_start().len() > key_indent
        })
        .collect();
    let indent = body
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    body.iter()
        .map(|line| line.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_compose_nodes_settings_load() {
    let vars = dotenv(&read("deploy/.env.example"));
    let settings: Vec<(String, String)> =
        settings_in_yaml("compose.yaml", &read("deploy/compose.yaml"))
            .into_iter()
            .map(|(name, value)| {
                let value = interpolate(&value, &vars);
                (name, value)
            })
            .collect();
    let node_ids: Vec<&str> = settings
        .iter()
        .filter(|(name, _)| name == "BOTWOT__CLUSTER__NODE_ID")
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(node_ids, ["botwot-1", "botwot-2", "botwot-3"]);

    let config = Config::load(None, settings.into_iter()).expect("the compose settings load");
    assert!(
        matches!(config.storage, StorageConfig::Mongo { .. }),
        "{:?}",
        config.storage
    );
    let BlobConfig::S3(s3) = &config.knowledge.blobs else {
        panic!("blobs are not on S3: {:?}", config.knowledge.blobs);
    };
    assert_eq!(s3.endpoint.as_deref(), Some("http://minio:9000"));
    assert_eq!(
        s3.secret_access_key.as_deref(),
        Some("placeholder-for-MINIO_ROOT_PASSWORD")
    );
    assert_eq!(config.cluster.redis_url, "redis://redis:6379");
    assert!(
        config.cluster.amqp_url.starts_with("amqp://botwot:"),
        "{}",
        config.cluster.amqp_url
    );
    assert_eq!(config.http.auth.jwt_keys[0].kid, "default");
    assert!(config.http.integration_secret_key.is_some());
    assert!(!config.http.demo_bot);
    assert_eq!(config.log.format, LogFormat::Json);
}

#[test]
fn the_kubernetes_nodes_settings_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("botwot.toml");
    let toml = block_scalar(&read("deploy/k8s/configmap.yaml"), "botwot.toml");
    std::fs::write(&file, toml).expect("write");
    let mut settings = settings_in_yaml("statefulset.yaml", &read("deploy/k8s/statefulset.yaml"));
    settings.extend(settings_in_yaml(
        "secret.example.yaml",
        &read("deploy/k8s/secret.example.yaml"),
    ));
    let settings = settings.into_iter().map(|(name, value)| {
        let value = value
            .replace("$(POD_NAME)", POD_NAME)
            .replace("$(POD_NAMESPACE)", POD_NAMESPACE);
        (name, value)
    });

    let config = Config::load(Some(&file), settings).expect("the Kubernetes settings load");
    assert!(config.cluster.enabled);
    assert_eq!(config.cluster.node_id, "botwot-0");
    assert_eq!(
        config.cluster.advertise_address,
        "botwot-0.botwot-headless.botwot.svc.cluster.local:8080"
    );
    let StorageConfig::Mongo { uri, database } = &config.storage else {
        panic!("storage is not MongoDB: {:?}", config.storage);
    };
    assert!(uri.starts_with("mongodb://"), "{uri}");
    assert_eq!(database, "botwot");
    assert!(matches!(config.knowledge.blobs, BlobConfig::S3(_)));
    assert!(config.cluster.amqp_url.starts_with("amqp://"));
    assert_eq!(config.http.auth.jwt_keys[0].kid, "default");
    assert_eq!(config.http.listen.port(), 8080);
    assert!(!config.http.demo_bot);
}

#[test]
fn a_misspelt_setting_in_a_deployment_file_is_caught() {
    let settings = settings_in_yaml(
        "example",
        "env:\n  - name: BOTWOT__CLUSTER__NODE_IDD\n    value: \"a\"\n",
    );
    assert!(Config::load(None, settings.into_iter()).is_err());
    let settings = settings_in_yaml(
        "example",
        "environment:\n  BOTWOT__CLUSTER__SHARDS: \"many\"\n",
    );
    assert!(Config::load(None, settings.into_iter()).is_err());
}
