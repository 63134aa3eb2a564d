//! `GET /openapi.json`: the API's description, generated from the types and handlers.
use super::{batch, executor_api, files, health, native, piston, runs, sandboxfusion};
use crate::remote::wire;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "crucible serve",
        description = "Run untrusted code in hardened containers: the native /v1 API and \
                       SandboxFusion- and Piston-compatible endpoints (docs/serve.md)."
    ),
    paths(
        native::execute,
        batch::execute_batch,
        health::images,
        health::healthz,
        health::readyz,
        health::metrics,
        executor_api::info,
        executor_api::image,
        executor_api::execute,
        sandboxfusion::run_code,
        piston::runtimes,
        piston::execute,
        runs::read::list,
        runs::create::create,
        runs::read::get,
        runs::cancel::cancel,
        runs::events::events,
        runs::report::report,
        runs::execution::execution,
        runs::tasks::tasks,
    ),
    components(schemas(
        native::ExecuteRequest,
        native::LimitsRequest,
        native::CaseRequest,
        files::FileContent,
        files::Encoding,
        batch::BatchRequest,
        health::ImageInfo,
        health::Readiness,
        wire::ExecutorRequest,
        wire::ExecutorAnswer,
        wire::ExecutorInfo,
        wire::ImageIdentity,
        sandboxfusion::RunCodeRequest,
        sandboxfusion::RunCodeResponse,
        sandboxfusion::CommandRunResult,
        piston::PistonRuntime,
        piston::PistonFile,
        piston::PistonExecuteRequest,
        piston::PistonExecuteResponse,
        piston::PistonStage,
    )),
    modifiers(&Bearer)
)]
struct ApiDoc;

struct Bearer;

impl utoipa::Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(openapi())
}
