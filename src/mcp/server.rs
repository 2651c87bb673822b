//! The rmcp [`ServerHandler`]: tools filtered by `--read-only`, `--disable-destructive` and
//! `--toolsets`; calls run the use case, raced against the request's cancellation.

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, GetPromptRequestParams,
    GetPromptResponse, Implementation, ListPromptsResult, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ServerCapabilities,
    ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::json;

use super::progress::McpEvents;
use super::tools::{self, Cx, Outcome, ToolDef};
use super::{ServeOptions, resources};

/// `b00t mcp serve`'s handler. Cheap to clone (HTTP makes one per session).
#[derive(Clone)]
pub struct B00tServer {
    opts: std::sync::Arc<ServeOptions>,
}

impl B00tServer {
    pub fn new(opts: ServeOptions) -> B00tServer {
        B00tServer {
            opts: std::sync::Arc::new(opts),
        }
    }

    /// The tools this server offers.
    fn enabled(&self) -> impl Iterator<Item = ToolDef> + '_ {
        tools::all().into_iter().filter(|t| {
            self.opts.toolsets.contains(&t.toolset)
                && t.offered(self.opts.read_only, self.opts.disable_destructive)
        })
    }

    fn tool_list(&self) -> Vec<Tool> {
        self.enabled()
            .map(|t| t.tool(self.opts.read_only))
            .collect()
    }
}

/// The tool result of an [`Outcome`]: the document as `structuredContent` plus a text summary,
/// or `isError` with the CLI's one-line message and exit class.
fn result(outcome: Outcome) -> CallToolResult {
    match outcome {
        Outcome::Done { doc, summary } => {
            let mut r = CallToolResult::success(vec![ContentBlock::text(summary)]);
            r.structured_content = Some(doc);
            r
        }
        Outcome::Failed { error, doc } => {
            let message = error.chain();
            let mut structured = json!({
                "error": message,
                "exit_code": error.exit().code(),
                "exit_class": error.exit().class(),
            });
            if let Some(doc) = doc {
                structured["report"] = doc;
            }
            let mut r =
                CallToolResult::error(vec![ContentBlock::text(format!("error: {message}"))]);
            r.structured_content = Some(structured);
            r
        }
    }
}

impl ServerHandler for B00tServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .build(),
        )
        .with_server_info(
            Implementation::new("b00t", env!("CARGO_PKG_VERSION")).with_title("b00t"),
        )
        .with_instructions(
            "b00t deploys MCP servers and the OBI eBPF agent on Kubernetes and Docker. Every tool is one b00t CLI verb; structuredContent is the document the CLI prints with --json.",
        )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(self.tool_list()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.enabled()
            .find(|t| t.name == name)
            .map(|t| t.tool(self.opts.read_only))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let name = request.name.to_string();
        if !self.enabled().any(|t| t.name == name) {
            return Err(McpError::invalid_params(
                format!("unknown tool {name:?} (not offered by this server)"),
                None,
            ));
        }
        let events = McpEvents::new(&context.peer, context.meta.get_progress_token());
        let args = request.arguments.unwrap_or_default();
        let outcome = {
            let cx = Cx {
                defaults: &self.opts.defaults,
                read_only: self.opts.read_only,
                events: &events,
            };
            tokio::select! {
                r = tools::call(&name, args, &cx) => Some(r),
                () = context.ct.cancelled() => None,
            }
        };
        match outcome {
            Some(r) => {
                // Every progress notification goes out before the response.
                events.finish().await;
                Ok(result(r?).into())
            }
            None => {
                tracing::info!("{name}: cancelled by the client; stopped");
                Err(McpError::internal_error("cancelled by the client", None))
            }
        }
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        Ok(ListResourcesResult::with_all_items(resources::list(
            &self.opts,
        )))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        tokio::select! {
            r = resources::read(&self.opts, &request.uri) => Ok(r?.into()),
            () = context.ct.cancelled() => Err(McpError::internal_error("cancelled by the client", None)),
        }
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        Ok(ListPromptsResult::with_all_items(resources::prompts(
            &self.opts,
        )))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        Ok(resources::prompt(&self.opts, &request.name, request.arguments.as_ref())?.into())
    }
}
