//! The recipes of docs/publishing.md: the example files parse, and say what each host needs
//! (CI also runs actionlint on the GitHub workflow: `.ci/run`).

use std::path::Path;

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn yaml(rel: &str) -> serde_yaml::Value {
    serde_yaml::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel} is not YAML: {e}"))
}

/// The `run` and `uses` of a job's steps.
fn steps(job: &serde_yaml::Value, key: &str) -> Vec<String> {
    job["steps"].as_sequence().unwrap().iter().filter_map(|s| s[key].as_str().map(str::to_string)).collect()
}

#[test]
fn the_github_pages_workflow_builds_for_the_pages_address_and_deploys_the_output() {
    let flow = yaml("docs/examples/github-pages.yml");
    assert_eq!(flow["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(flow["permissions"]["id-token"].as_str(), Some("write"));
    assert!(flow["on"]["push"]["branches"].as_sequence().is_some());
    let build = &flow["jobs"]["build"];
    let uses = steps(build, "uses");
    for action in ["actions/checkout@", "actions/configure-pages@", "actions/upload-pages-artifact@"] {
        assert!(uses.iter().any(|u| u.starts_with(action)), "{action} in {uses:?}");
    }
    let runs = steps(build, "run").join("\n");
    assert!(runs.contains("dossier build --base-url \"${{ steps.pages.outputs.base_url }}/\""), "{runs}");
    let upload = build["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.contains("upload-pages")))
        .unwrap();
    assert_eq!(upload["with"]["path"].as_str(), Some("public"));
    let deploy = &flow["jobs"]["deploy"];
    assert_eq!(deploy["needs"].as_str(), Some("build"));
    assert_eq!(deploy["environment"]["name"].as_str(), Some("github-pages"));
    assert!(steps(deploy, "uses").iter().any(|u| u.starts_with("actions/deploy-pages@")));
}

#[test]
fn the_gitlab_job_is_pages_and_publishes_public() {
    let ci = yaml("docs/examples/gitlab-ci.yml");
    let pages = &ci["pages"];
    let script: Vec<&str> = pages["script"].as_sequence().unwrap().iter().filter_map(|s| s.as_str()).collect();
    assert!(script.iter().any(|s| s.starts_with("dossier build --base-url \"$CI_PAGES_URL/\"")), "{script:?}");
    assert_eq!(pages["artifacts"]["paths"][0].as_str(), Some("public"));
}

#[test]
fn the_netlify_file_builds_and_publishes_public() {
    let netlify: toml::Table = read("docs/examples/netlify.toml").parse().expect("netlify.toml is TOML");
    let build = netlify["build"].as_table().unwrap();
    assert_eq!(build["publish"].as_str(), Some("public"));
    assert!(build["command"].as_str().unwrap().contains("dossier build"));
}

#[test]
fn publishing_md_has_every_recipe_and_links_the_examples() {
    let doc = read("docs/publishing.md");
    for heading in [
        "## GitHub Pages",
        "## GitLab Pages",
        "## Netlify",
        "## Cloudflare Pages",
        "## S3 and CloudFront",
        "## rsync to a server",
        "## nginx",
        "## Apache",
    ] {
        assert!(doc.contains(&format!("\n{heading}")), "{heading} in docs/publishing.md");
    }
    for example in ["examples/github-pages.yml", "examples/gitlab-ci.yml", "examples/netlify.toml"] {
        assert!(doc.contains(example), "docs/publishing.md links {example}");
    }
}
