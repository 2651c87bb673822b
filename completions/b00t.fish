# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_b00t_global_optspecs
    string join \n kubeconfig= context= n/namespace= A/all-namespaces o/output= json color= v/verbose path= h/help V/version
end

function __fish_b00t_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_b00t_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_b00t_using_subcommand
    set -l cmd (__fish_b00t_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c b00t -n "__fish_b00t_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_needs_command" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_needs_command" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_needs_command" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_needs_command" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_needs_command" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_needs_command" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_needs_command" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_needs_command" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_needs_command" -s h -l help -d 'Print help'
complete -c b00t -n "__fish_b00t_needs_command" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_needs_command" -f -a "k8s" -d 'MCP servers and applications on Kubernetes'
complete -c b00t -n "__fish_b00t_needs_command" -f -a "obi" -d 'The OBI eBPF agent and the embedded eBPF sensor (also runs as `obi`)'
complete -c b00t -n "__fish_b00t_needs_command" -f -a "mcp" -d 'b00t as an MCP server: every use case as a tool'
complete -c b00t -n "__fish_b00t_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c b00t -n "__fish_b00t_needs_command" -f -a "man" -d 'Write man pages'
complete -c b00t -n "__fish_b00t_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -s h -l help -d 'Print help'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -f -a "deploy-mcp" -d 'Deploy an MCP server from its datum (<name>.mcp.toml)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -f -a "list" -d 'List b00t-managed workloads (every pod with --all)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -f -a "ls" -d 'List b00t-managed workloads (every pod with --all)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -f -a "logs" -d 'Logs of every pod and container of a workload, merged by time'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -f -a "delete" -d 'Delete everything b00t created for a workload'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -f -a "rm" -d 'Delete everything b00t created for a workload'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -f -a "restart-mcp" -d 'Rolling restart of an MCP server'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -f -a "status" -d 'Health of one workload, or of the cluster'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -f -a "connect" -d 'A local stdio MCP endpoint for a deployed MCP server (the command of an MCP client)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -f -a "probe" -d 'MCP initialize + tools/list against a deployed MCP server, as a health check'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -f -a "translate" -d 'Translate a Dockerfile or compose file into Kubernetes objects (no cluster needed)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -f -a "deploy" -d 'Translate a Dockerfile or compose file (or take an image) and apply it'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and not __fish_seen_subcommand_from deploy-mcp list ls logs delete rm restart-mcp status connect probe translate deploy help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -s s -l server -d 'Server name: the datum <name>.mcp.toml' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -l image -d 'Image to run (overrides the datum and the defaults)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -l replicas -d 'Number of replicas' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -s e -l env -d 'Extra environment variable (repeatable); secret-looking names go into a Secret' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -l dry-run -d 'Print (client) or validate on the server (server) without changing anything' -r -f -a "client\t'Print the objects without contacting the cluster'
server\t'Ask the API server to validate and default the objects without storing them'"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -l timeout -d 'How long to wait for readiness (of each workload)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -l runtime -d 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)' -r -f -a "kubernetes\t'A Kubernetes cluster (kubeconfig)'
docker\t'A Docker engine (DOCKER_HOST, the current docker context, the default socket)'"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -l pull -d 'With --runtime docker: when to pull the image' -r -f -a "missing\t'Pull only when the engine does not have the image'
always\t'Always pull'
never\t'Never pull (fail when the image is missing)'"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -l wait -d 'Wait until ready (the default)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -l no-wait -d 'Return as soon as the objects are applied'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -l publish-all-interfaces -d 'With --runtime docker: publish ports on every interface, not only 127.0.0.1'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy-mcp" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -l type -d 'Only this type' -r -f -a "mcp\t''
app\t''
obi\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -s l -l selector -d 'Label selector (e.g. app.kubernetes.io/name=github)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -l mcp-path -d 'Path of an HTTP server\'s MCP endpoint' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -l runtime -d 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)' -r -f -a "kubernetes\t'A Kubernetes cluster (kubeconfig)'
docker\t'A Docker engine (DOCKER_HOST, the current docker context, the default socket)'"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -l all -d 'Every pod, not only b00t-managed workloads'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -l probe -d 'Also run an MCP handshake (initialize + tools/list) with every MCP server'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -l all-contexts -d 'Every context of the kubeconfig, concurrently (rows get a CONTEXT column)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -l type -d 'Only this type' -r -f -a "mcp\t''
app\t''
obi\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -s l -l selector -d 'Label selector (e.g. app.kubernetes.io/name=github)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -l mcp-path -d 'Path of an HTTP server\'s MCP endpoint' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -l runtime -d 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)' -r -f -a "kubernetes\t'A Kubernetes cluster (kubeconfig)'
docker\t'A Docker engine (DOCKER_HOST, the current docker context, the default socket)'"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -l all -d 'Every pod, not only b00t-managed workloads'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -l probe -d 'Also run an MCP handshake (initialize + tools/list) with every MCP server'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -l all-contexts -d 'Every context of the kubeconfig, concurrently (rows get a CONTEXT column)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -l since -d 'Only lines newer than this (e.g. 10m, 1h)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -l since-time -d 'Only lines after this RFC 3339 time' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -l tail -d 'Lines per container from the end' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -s c -l container -d 'Only this container' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -l grep -d 'Only lines matching this regular expression' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -l runtime -d 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)' -r -f -a "kubernetes\t'A Kubernetes cluster (kubeconfig)'
docker\t'A Docker engine (DOCKER_HOST, the current docker context, the default socket)'"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -s f -l follow -d 'Keep streaming; picks up new and restarted pods'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -s p -l previous -d 'Logs of the previous container instance'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -l timestamps -d 'Prefix each line with its timestamp'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from logs" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -l timeout -d 'How long to wait with --wait' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -l runtime -d 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)' -r -f -a "kubernetes\t'A Kubernetes cluster (kubeconfig)'
docker\t'A Docker engine (DOCKER_HOST, the current docker context, the default socket)'"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -l all -d 'Every b00t-managed workload in the namespace'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask (required with --all when stdin is not a terminal)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -l wait -d 'Wait until everything is gone'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -l timeout -d 'How long to wait with --wait' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -l runtime -d 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)' -r -f -a "kubernetes\t'A Kubernetes cluster (kubeconfig)'
docker\t'A Docker engine (DOCKER_HOST, the current docker context, the default socket)'"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -l all -d 'Every b00t-managed workload in the namespace'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -s y -l yes -d 'Do not ask (required with --all when stdin is not a terminal)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -l wait -d 'Wait until everything is gone'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from restart-mcp" -l timeout -d 'How long to wait with --wait' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from restart-mcp" -l runtime -d 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)' -r -f -a "kubernetes\t'A Kubernetes cluster (kubeconfig)'
docker\t'A Docker engine (DOCKER_HOST, the current docker context, the default socket)'"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from restart-mcp" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from restart-mcp" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from restart-mcp" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from restart-mcp" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from restart-mcp" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from restart-mcp" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from restart-mcp" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from restart-mcp" -l wait -d 'Watch the rollout until it completes'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from restart-mcp" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from restart-mcp" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from restart-mcp" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from restart-mcp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from restart-mcp" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from status" -l mcp-path -d 'Path of an HTTP server\'s MCP endpoint' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from status" -l runtime -d 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)' -r -f -a "kubernetes\t'A Kubernetes cluster (kubeconfig)'
docker\t'A Docker engine (DOCKER_HOST, the current docker context, the default socket)'"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from status" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from status" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from status" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from status" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from status" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from status" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from status" -l probe -d 'Also run an MCP handshake (initialize + tools/list) with the workload\'s server'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from status" -l all-contexts -d 'Every context of the kubeconfig, concurrently (one entry per context)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from status" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from status" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from connect" -l mcp-path -d 'Path of an HTTP server\'s MCP endpoint' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from connect" -l runtime -d 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)' -r -f -a "kubernetes\t'A Kubernetes cluster (kubeconfig)'
docker\t'A Docker engine (DOCKER_HOST, the current docker context, the default socket)'"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from connect" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from connect" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from connect" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from connect" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from connect" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from connect" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from connect" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from connect" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from connect" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from connect" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from connect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from connect" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from probe" -l timeout -d 'Give up on initialize + tools/list after this long' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from probe" -l mcp-path -d 'Path of an HTTP server\'s MCP endpoint' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from probe" -l runtime -d 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)' -r -f -a "kubernetes\t'A Kubernetes cluster (kubeconfig)'
docker\t'A Docker engine (DOCKER_HOST, the current docker context, the default socket)'"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from probe" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from probe" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from probe" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from probe" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from probe" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from probe" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from probe" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from probe" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from probe" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from probe" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from probe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from probe" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -l from-dockerfile -d 'Dockerfile to translate' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -l from-compose -d 'Compose file(s) to translate, merged in order (repeatable)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -l name -d 'Application name (app.kubernetes.io/name; default: the compose project or directory name)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -l image -d 'Image to run (Dockerfile, or a single-service compose project)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -l target -d 'Dockerfile stage to translate (default: the last)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -l profile -d 'Compose profile to enable (repeatable)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -l out -d 'Write one file per object (<kind>-<name>.yaml) into this directory' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -l strict -d 'Fail (exit 2) when the translation produced warnings'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -l wait-deps -d 'Turn depends_on into initContainers that wait for the dependency\'s Service port'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -s h -l help -d 'Print help'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from translate" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l from-dockerfile -d 'Dockerfile to translate and deploy (its image: --image, else <name>:latest)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l from-compose -d 'Compose file(s) to translate and deploy, merged in order' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l image -d 'Deploy a plain image as one workload (or the image of --from-dockerfile)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l name -d 'Application name (default: the compose project, directory or image name)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -s e -l env -d 'Extra environment variable for every container (repeatable); secret-looking names go into a Secret' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l target -d 'Dockerfile stage (default: the last)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l profile -d 'Compose profile to enable (repeatable)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l dry-run -d 'Print (client) or validate on the server (server) without changing anything' -r -f -a "client\t'Print the objects without contacting the cluster'
server\t'Ask the API server to validate and default the objects without storing them'"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l timeout -d 'How long to wait for readiness (of each workload)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l runtime -d 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)' -r -f -a "kubernetes\t'A Kubernetes cluster (kubeconfig)'
docker\t'A Docker engine (DOCKER_HOST, the current docker context, the default socket)'"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l pull -d 'With --runtime docker: when to pull the image' -r -f -a "missing\t'Pull only when the engine does not have the image'
always\t'Always pull'
never\t'Never pull (fail when the image is missing)'"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l from-stdin -d 'Read a compose file from stdin'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l wait-deps -d 'Turn depends_on into initContainers that wait for the dependency\'s Service port'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l wait -d 'Wait until ready (the default)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l no-wait -d 'Return as soon as the objects are applied'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l publish-all-interfaces -d 'With --runtime docker: publish ports on every interface, not only 127.0.0.1'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from deploy" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from help" -f -a "deploy-mcp" -d 'Deploy an MCP server from its datum (<name>.mcp.toml)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from help" -f -a "list" -d 'List b00t-managed workloads (every pod with --all)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from help" -f -a "logs" -d 'Logs of every pod and container of a workload, merged by time'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete everything b00t created for a workload'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from help" -f -a "restart-mcp" -d 'Rolling restart of an MCP server'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from help" -f -a "status" -d 'Health of one workload, or of the cluster'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from help" -f -a "connect" -d 'A local stdio MCP endpoint for a deployed MCP server (the command of an MCP client)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from help" -f -a "probe" -d 'MCP initialize + tools/list against a deployed MCP server, as a health check'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from help" -f -a "translate" -d 'Translate a Dockerfile or compose file into Kubernetes objects (no cluster needed)'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from help" -f -a "deploy" -d 'Translate a Dockerfile or compose file (or take an image) and apply it'
complete -c b00t -n "__fish_b00t_using_subcommand k8s; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -s h -l help -d 'Print help'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -f -a "deploy" -d 'Deploy the agent: a DaemonSet on every node (or a sidecar), validated config, waited for'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -f -a "status" -d 'Health of the agent on every node: ready, resources, and whether it observes and exports'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -f -a "logs" -d 'Logs of every agent pod merged by time, filtered by level'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -f -a "preflight" -d 'Can the agent run here, and may you deploy it? (nodes, Pod Security, permissions)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -f -a "config" -d 'OBI configuration: validate a file, show, set or roll back the deployed one'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -f -a "upgrade" -d 'Move the agent to another image; watch the rollout, roll back and explain on failure'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -f -a "undeploy" -d 'Remove everything deploy created (cluster-wide RBAC included)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -f -a "rules" -d 'Write Prometheus alert rules for the OBI agent (obi-alerts.yaml)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -f -a "sensor" -d 'The embedded eBPF sensor: watch this machine\'s TCP connections (needs root)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -f -a "docker" -d 'The agent as a plain Docker container, through the Docker API (DOCKER_HOST, the current docker context, else /var/run/docker.sock)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and not __fish_seen_subcommand_from deploy status logs preflight config upgrade undeploy rules sensor docker help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l mode -d 'One agent per node, or a sidecar in one Deployment\'s pods' -r -f -a "daemonset\t'One agent per node'
sidecar\t'An obi container in the pods of one Deployment (--target)'"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l target -d 'The Deployment to instrument (sidecar mode; in -n, else the context\'s namespace)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l image -d 'Agent image repository, or a full reference with a tag or digest' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l image-tag -d 'Image tag (default: main); also chooses the config key set to validate against' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l config -d 'OBI config file (default: b00t\'s config for the image tag: network and application metrics on a Prometheus port, internal metrics on)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l host-network -d 'Run in the node\'s network namespace (default: on when the config enables network metrics)' -r -f -a "true\t''
false\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l node-selector -d 'Only nodes with this label (repeatable)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l cpu-request -d 'CPU request (default 100m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l memory-request -d 'Memory request (default 256Mi)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l cpu-limit -d 'CPU limit (default 1)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l memory-limit -d 'Memory limit (default 1Gi)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l otlp-endpoint -d 'OTLP endpoint (base URL); the protocol follows the port (4317 grpc, 4318 http/protobuf)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l otlp-protocol -d 'OTLP protocol when the port does not say (grpc, http/protobuf, http/json)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l otlp-headers -d 'OTLP headers (k=v,k2=v2), kept in a Secret' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l cluster-name -d 'Cluster name the agent reports (default: the kubeconfig context\'s name)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l open-port -d 'Sidecar: ports that select the application (default: the Deployment\'s container ports)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l dry-run -d 'Print (client) or validate on the server (server) without changing anything' -r -f -a "client\t'Print the objects without contacting the cluster'
server\t'Ask the API server to validate and default the objects without storing them'"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l timeout -d 'How long to wait for readiness (of each workload)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l progress-deadline -d 'Give up when the rollout makes no progress for this long' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l privileged -d 'Run the agent privileged instead of with a list of capabilities'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l capabilities -d 'Run with a list of capabilities (the default)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l no-tolerations -d 'Do not tolerate every taint (by default the agent runs on tainted nodes too)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l skip-preflight -d 'Do not run preflight first'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l wait -d 'Wait until ready (the default)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l no-wait -d 'Return as soon as the objects are applied'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from deploy" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from status" -l cpu-budget -d 'CPU an agent may use per node before it counts as DEGRADED (e.g. 50m, 0.1)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from status" -l memory-budget -d 'Memory an agent may use per node before it counts as DEGRADED (e.g. 200Mi)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from status" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from status" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from status" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from status" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from status" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from status" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from status" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from status" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -l level -d 'Only lines at this level or above (lines without a level, such as panics, are kept)' -r -f -a "error\t''
warn\t''
info\t''
debug\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -l since -d 'Only lines newer than this (e.g. 10m, 1h)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -l tail -d 'Lines per pod from the end' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -l grep -d 'Only lines matching this regular expression' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -s f -l follow -d 'Keep streaming; picks up new and restarted pods'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -l timestamps -d 'Prefix each line with its timestamp'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -s p -l previous -d 'Logs of the previous container instance'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -s h -l help -d 'Print help'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from logs" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from preflight" -l mode -d 'How the agent will run' -r -f -a "daemonset\t'One agent per node'
sidecar\t'An obi container in the pods of one Deployment (--target)'"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from preflight" -l target -d 'The Deployment to instrument (sidecar mode)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from preflight" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from preflight" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from preflight" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from preflight" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from preflight" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from preflight" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from preflight" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from preflight" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from preflight" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from preflight" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from preflight" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from preflight" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -s h -l help -d 'Print help'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -f -a "validate" -d 'Check a configuration file: unknown keys, types, values, deprecations and OBI\'s start-up rules, for the OBI version of an image tag (exit 2 when there are errors)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the deployed config (-o json adds the image, checksum and the previous config)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -f -a "set" -d 'Validate a file for the deployed image, store it, and roll the agents when it changed'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -f -a "rollback" -d 'Put back the config that was deployed before the last `config set`'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from config" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -l image-tag -d 'The tag to upgrade to (the repository stays)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -l image -d 'Another image repository or full reference' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -l timeout -d 'How long the rollout (and a rollback) may take' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -l progress-deadline -d 'Give up when the rollout makes no progress for this long' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -l no-rollback -d 'Leave a failed rollout as it is (exit 1) instead of putting back the previous image and config (exit 7)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -s h -l help -d 'Print help'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from upgrade" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -l mode -d 'How the agent runs' -r -f -a "daemonset\t'One agent per node'
sidecar\t'An obi container in the pods of one Deployment (--target)'"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -l target -d 'The Deployment whose sidecar to remove (sidecar mode)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -l timeout -d 'How long to wait for the pods to be gone' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -l keep-config -d 'Keep the config ConfigMap(s)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -l delete-namespace -d 'Also delete the namespace (only when b00t created it)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -l no-wait -d 'Return without waiting for the agent pods to be gone'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from undeploy" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from rules" -l out -d 'Directory to write obi-alerts.yaml into (created when missing)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from rules" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from rules" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from rules" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from rules" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from rules" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from rules" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from rules" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from rules" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from rules" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from rules" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from rules" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from rules" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from sensor" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from sensor" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from sensor" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from sensor" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from sensor" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from sensor" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from sensor" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from sensor" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from sensor" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from sensor" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from sensor" -s h -l help -d 'Print help'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from sensor" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from sensor" -f -a "probe" -d 'Report what this machine supports (privileges, BTF, tracefs, tracepoints, program and map types) and whether `run` will work; exit 5 when privileges are missing, 3 when the kernel lacks what is needed'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from sensor" -f -a "run" -d 'Watch this machine\'s TCP connections: a live table of flows, JSON Lines (-o json), a Prometheus endpoint and OTLP export (needs root or CAP_BPF+CAP_PERFMON+CAP_DAC_READ_SEARCH)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from sensor" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -s h -l help -d 'Print help'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -f -a "deploy" -d 'Run the agent as a container (pid and network of the host, validated config), wait for its metrics; deploying the same settings again changes nothing'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -f -a "status" -d 'State, uptime, restarts, CPU and memory, and whether the agent observes and exports'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -f -a "logs" -d 'The agent container\'s logs, filtered by level'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -f -a "stop" -d 'Stop the agent and remove its container and config file (--keep: only stop)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -f -a "compose" -d 'Write a compose file (and the config) that runs the agent as deploy does'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from docker" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from help" -f -a "deploy" -d 'Deploy the agent: a DaemonSet on every node (or a sidecar), validated config, waited for'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from help" -f -a "status" -d 'Health of the agent on every node: ready, resources, and whether it observes and exports'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from help" -f -a "logs" -d 'Logs of every agent pod merged by time, filtered by level'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from help" -f -a "preflight" -d 'Can the agent run here, and may you deploy it? (nodes, Pod Security, permissions)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from help" -f -a "config" -d 'OBI configuration: validate a file, show, set or roll back the deployed one'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from help" -f -a "upgrade" -d 'Move the agent to another image; watch the rollout, roll back and explain on failure'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from help" -f -a "undeploy" -d 'Remove everything deploy created (cluster-wide RBAC included)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from help" -f -a "rules" -d 'Write Prometheus alert rules for the OBI agent (obi-alerts.yaml)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from help" -f -a "sensor" -d 'The embedded eBPF sensor: watch this machine\'s TCP connections (needs root)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from help" -f -a "docker" -d 'The agent as a plain Docker container, through the Docker API (DOCKER_HOST, the current docker context, else /var/run/docker.sock)'
complete -c b00t -n "__fish_b00t_using_subcommand obi; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and not __fish_seen_subcommand_from serve help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and not __fish_seen_subcommand_from serve help" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and not __fish_seen_subcommand_from serve help" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and not __fish_seen_subcommand_from serve help" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and not __fish_seen_subcommand_from serve help" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and not __fish_seen_subcommand_from serve help" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and not __fish_seen_subcommand_from serve help" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and not __fish_seen_subcommand_from serve help" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and not __fish_seen_subcommand_from serve help" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and not __fish_seen_subcommand_from serve help" -s h -l help -d 'Print help'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and not __fish_seen_subcommand_from serve help" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and not __fish_seen_subcommand_from serve help" -f -a "serve" -d 'Serve every b00t use case as an MCP tool (stdio, or streamable HTTP with --http)'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and not __fish_seen_subcommand_from serve help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l http -d 'Serve streamable HTTP at http://ADDR/mcp instead of stdio (e.g. 127.0.0.1:8765)' -r
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l token-env -d 'With --http: require `Authorization: Bearer <token>`, the token read from this env var' -r
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l toolsets -d 'Tool groups to offer (comma-separated: k8s, obi, docker, sensor)' -r
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l request-timeout -d 'Give up on a single API request after this long (e.g. 30s, 1m)' -r
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l listen-any -d 'Allow --http on a non-loopback address'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l read-only -d 'Offer only tools that change nothing'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l disable-destructive -d 'Offer no tool that deletes or stops anything'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Serve every b00t use case as an MCP tool (stdio, or streamable HTTP with --http)'
complete -c b00t -n "__fish_b00t_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c b00t -n "__fish_b00t_using_subcommand completions" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand completions" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand completions" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand completions" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand completions" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand completions" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand completions" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand completions" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand completions" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand completions" -s h -l help -d 'Print help'
complete -c b00t -n "__fish_b00t_using_subcommand completions" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand man" -l dir -d 'Directory to write the pages into' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand man" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand man" -l context -d 'The kubeconfig context to use (k8s list and status: several, separated by commas)' -r
complete -c b00t -n "__fish_b00t_using_subcommand man" -s n -l namespace -d 'Namespace (default: the context\'s, else "default")' -r
complete -c b00t -n "__fish_b00t_using_subcommand man" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''
name\t''"
complete -c b00t -n "__fish_b00t_using_subcommand man" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c b00t -n "__fish_b00t_using_subcommand man" -l path -d 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)' -r -F
complete -c b00t -n "__fish_b00t_using_subcommand man" -s A -l all-namespaces -d 'Read across all namespaces'
complete -c b00t -n "__fish_b00t_using_subcommand man" -l json -d 'Same as -o json'
complete -c b00t -n "__fish_b00t_using_subcommand man" -s v -l verbose -d 'More logs on stderr (-v, -vv)'
complete -c b00t -n "__fish_b00t_using_subcommand man" -s h -l help -d 'Print help'
complete -c b00t -n "__fish_b00t_using_subcommand man" -s V -l version -d 'Print version'
complete -c b00t -n "__fish_b00t_using_subcommand help; and not __fish_seen_subcommand_from k8s obi mcp completions man help" -f -a "k8s" -d 'MCP servers and applications on Kubernetes'
complete -c b00t -n "__fish_b00t_using_subcommand help; and not __fish_seen_subcommand_from k8s obi mcp completions man help" -f -a "obi" -d 'The OBI eBPF agent and the embedded eBPF sensor (also runs as `obi`)'
complete -c b00t -n "__fish_b00t_using_subcommand help; and not __fish_seen_subcommand_from k8s obi mcp completions man help" -f -a "mcp" -d 'b00t as an MCP server: every use case as a tool'
complete -c b00t -n "__fish_b00t_using_subcommand help; and not __fish_seen_subcommand_from k8s obi mcp completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c b00t -n "__fish_b00t_using_subcommand help; and not __fish_seen_subcommand_from k8s obi mcp completions man help" -f -a "man" -d 'Write man pages'
complete -c b00t -n "__fish_b00t_using_subcommand help; and not __fish_seen_subcommand_from k8s obi mcp completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from k8s" -f -a "deploy-mcp" -d 'Deploy an MCP server from its datum (<name>.mcp.toml)'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from k8s" -f -a "list" -d 'List b00t-managed workloads (every pod with --all)'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from k8s" -f -a "logs" -d 'Logs of every pod and container of a workload, merged by time'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from k8s" -f -a "delete" -d 'Delete everything b00t created for a workload'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from k8s" -f -a "restart-mcp" -d 'Rolling restart of an MCP server'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from k8s" -f -a "status" -d 'Health of one workload, or of the cluster'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from k8s" -f -a "connect" -d 'A local stdio MCP endpoint for a deployed MCP server (the command of an MCP client)'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from k8s" -f -a "probe" -d 'MCP initialize + tools/list against a deployed MCP server, as a health check'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from k8s" -f -a "translate" -d 'Translate a Dockerfile or compose file into Kubernetes objects (no cluster needed)'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from k8s" -f -a "deploy" -d 'Translate a Dockerfile or compose file (or take an image) and apply it'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from obi" -f -a "deploy" -d 'Deploy the agent: a DaemonSet on every node (or a sidecar), validated config, waited for'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from obi" -f -a "status" -d 'Health of the agent on every node: ready, resources, and whether it observes and exports'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from obi" -f -a "logs" -d 'Logs of every agent pod merged by time, filtered by level'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from obi" -f -a "preflight" -d 'Can the agent run here, and may you deploy it? (nodes, Pod Security, permissions)'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from obi" -f -a "config" -d 'OBI configuration: validate a file, show, set or roll back the deployed one'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from obi" -f -a "upgrade" -d 'Move the agent to another image; watch the rollout, roll back and explain on failure'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from obi" -f -a "undeploy" -d 'Remove everything deploy created (cluster-wide RBAC included)'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from obi" -f -a "rules" -d 'Write Prometheus alert rules for the OBI agent (obi-alerts.yaml)'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from obi" -f -a "sensor" -d 'The embedded eBPF sensor: watch this machine\'s TCP connections (needs root)'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from obi" -f -a "docker" -d 'The agent as a plain Docker container, through the Docker API (DOCKER_HOST, the current docker context, else /var/run/docker.sock)'
complete -c b00t -n "__fish_b00t_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "serve" -d 'Serve every b00t use case as an MCP tool (stdio, or streamable HTTP with --http)'
