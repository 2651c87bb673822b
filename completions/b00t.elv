
use builtin;
use str;

set edit:completion:arg-completer[b00t] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'b00t'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'b00t'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand k8s 'MCP servers and applications on Kubernetes'
            cand obi 'The OBI eBPF agent and the embedded eBPF sensor (also runs as `obi`)'
            cand mcp 'b00t as an MCP server: every use case as a tool'
            cand completions 'Print a shell completion script'
            cand man 'Write man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'b00t;k8s'= {
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand deploy-mcp 'Deploy an MCP server from its datum (<name>.mcp.toml)'
            cand list 'List b00t-managed workloads (every pod with --all)'
            cand ls 'List b00t-managed workloads (every pod with --all)'
            cand logs 'Logs of every pod and container of a workload, merged by time'
            cand delete 'Delete everything b00t created for a workload'
            cand rm 'Delete everything b00t created for a workload'
            cand restart-mcp 'Rolling restart of an MCP server'
            cand status 'Health of one workload, or of the cluster'
            cand connect 'A local stdio MCP endpoint for a deployed MCP server (the command of an MCP client)'
            cand probe 'MCP initialize + tools/list against a deployed MCP server, as a health check'
            cand translate 'Translate a Dockerfile or compose file into Kubernetes objects (no cluster needed)'
            cand deploy 'Translate a Dockerfile or compose file (or take an image) and apply it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'b00t;k8s;deploy-mcp'= {
            cand -s 'Server name: the datum <name>.mcp.toml'
            cand --server 'Server name: the datum <name>.mcp.toml'
            cand --image 'Image to run (overrides the datum and the defaults)'
            cand --replicas 'Number of replicas'
            cand -e 'Extra environment variable (repeatable); secret-looking names go into a Secret'
            cand --env 'Extra environment variable (repeatable); secret-looking names go into a Secret'
            cand --dry-run 'Print (client) or validate on the server (server) without changing anything'
            cand --timeout 'How long to wait for readiness (of each workload)'
            cand --runtime 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)'
            cand --pull 'With --runtime docker: when to pull the image'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --wait 'Wait until ready (the default)'
            cand --no-wait 'Return as soon as the objects are applied'
            cand --publish-all-interfaces 'With --runtime docker: publish ports on every interface, not only 127.0.0.1'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;k8s;list'= {
            cand --type 'Only this type'
            cand -l 'Label selector (e.g. app.kubernetes.io/name=github)'
            cand --selector 'Label selector (e.g. app.kubernetes.io/name=github)'
            cand --mcp-path 'Path of an HTTP server''s MCP endpoint'
            cand --runtime 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --all 'Every pod, not only b00t-managed workloads'
            cand --probe 'Also run an MCP handshake (initialize + tools/list) with every MCP server'
            cand --all-contexts 'Every context of the kubeconfig, concurrently (rows get a CONTEXT column)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;k8s;ls'= {
            cand --type 'Only this type'
            cand -l 'Label selector (e.g. app.kubernetes.io/name=github)'
            cand --selector 'Label selector (e.g. app.kubernetes.io/name=github)'
            cand --mcp-path 'Path of an HTTP server''s MCP endpoint'
            cand --runtime 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --all 'Every pod, not only b00t-managed workloads'
            cand --probe 'Also run an MCP handshake (initialize + tools/list) with every MCP server'
            cand --all-contexts 'Every context of the kubeconfig, concurrently (rows get a CONTEXT column)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;k8s;logs'= {
            cand --since 'Only lines newer than this (e.g. 10m, 1h)'
            cand --since-time 'Only lines after this RFC 3339 time'
            cand --tail 'Lines per container from the end'
            cand -c 'Only this container'
            cand --container 'Only this container'
            cand --grep 'Only lines matching this regular expression'
            cand --runtime 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -f 'Keep streaming; picks up new and restarted pods'
            cand --follow 'Keep streaming; picks up new and restarted pods'
            cand -p 'Logs of the previous container instance'
            cand --previous 'Logs of the previous container instance'
            cand --timestamps 'Prefix each line with its timestamp'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;k8s;delete'= {
            cand --timeout 'How long to wait with --wait'
            cand --runtime 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --all 'Every b00t-managed workload in the namespace'
            cand -y 'Do not ask (required with --all when stdin is not a terminal)'
            cand --yes 'Do not ask (required with --all when stdin is not a terminal)'
            cand --wait 'Wait until everything is gone'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;k8s;rm'= {
            cand --timeout 'How long to wait with --wait'
            cand --runtime 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --all 'Every b00t-managed workload in the namespace'
            cand -y 'Do not ask (required with --all when stdin is not a terminal)'
            cand --yes 'Do not ask (required with --all when stdin is not a terminal)'
            cand --wait 'Wait until everything is gone'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;k8s;restart-mcp'= {
            cand --timeout 'How long to wait with --wait'
            cand --runtime 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --wait 'Watch the rollout until it completes'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;k8s;status'= {
            cand --mcp-path 'Path of an HTTP server''s MCP endpoint'
            cand --runtime 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --probe 'Also run an MCP handshake (initialize + tools/list) with the workload''s server'
            cand --all-contexts 'Every context of the kubeconfig, concurrently (one entry per context)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;k8s;connect'= {
            cand --mcp-path 'Path of an HTTP server''s MCP endpoint'
            cand --runtime 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;k8s;probe'= {
            cand --timeout 'Give up on initialize + tools/list after this long'
            cand --mcp-path 'Path of an HTTP server''s MCP endpoint'
            cand --runtime 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;k8s;translate'= {
            cand --from-dockerfile 'Dockerfile to translate'
            cand --from-compose 'Compose file(s) to translate, merged in order (repeatable)'
            cand --name 'Application name (app.kubernetes.io/name; default: the compose project or directory name)'
            cand --image 'Image to run (Dockerfile, or a single-service compose project)'
            cand --target 'Dockerfile stage to translate (default: the last)'
            cand --profile 'Compose profile to enable (repeatable)'
            cand --out 'Write one file per object (<kind>-<name>.yaml) into this directory'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --strict 'Fail (exit 2) when the translation produced warnings'
            cand --wait-deps 'Turn depends_on into initContainers that wait for the dependency''s Service port'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;k8s;deploy'= {
            cand --from-dockerfile 'Dockerfile to translate and deploy (its image: --image, else <name>:latest)'
            cand --from-compose 'Compose file(s) to translate and deploy, merged in order'
            cand --image 'Deploy a plain image as one workload (or the image of --from-dockerfile)'
            cand --name 'Application name (default: the compose project, directory or image name)'
            cand -e 'Extra environment variable for every container (repeatable); secret-looking names go into a Secret'
            cand --env 'Extra environment variable for every container (repeatable); secret-looking names go into a Secret'
            cand --target 'Dockerfile stage (default: the last)'
            cand --profile 'Compose profile to enable (repeatable)'
            cand --dry-run 'Print (client) or validate on the server (server) without changing anything'
            cand --timeout 'How long to wait for readiness (of each workload)'
            cand --runtime 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)'
            cand --pull 'With --runtime docker: when to pull the image'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --from-stdin 'Read a compose file from stdin'
            cand --wait-deps 'Turn depends_on into initContainers that wait for the dependency''s Service port'
            cand --wait 'Wait until ready (the default)'
            cand --no-wait 'Return as soon as the objects are applied'
            cand --publish-all-interfaces 'With --runtime docker: publish ports on every interface, not only 127.0.0.1'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;k8s;help'= {
            cand deploy-mcp 'Deploy an MCP server from its datum (<name>.mcp.toml)'
            cand list 'List b00t-managed workloads (every pod with --all)'
            cand logs 'Logs of every pod and container of a workload, merged by time'
            cand delete 'Delete everything b00t created for a workload'
            cand restart-mcp 'Rolling restart of an MCP server'
            cand status 'Health of one workload, or of the cluster'
            cand connect 'A local stdio MCP endpoint for a deployed MCP server (the command of an MCP client)'
            cand probe 'MCP initialize + tools/list against a deployed MCP server, as a health check'
            cand translate 'Translate a Dockerfile or compose file into Kubernetes objects (no cluster needed)'
            cand deploy 'Translate a Dockerfile or compose file (or take an image) and apply it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'b00t;k8s;help;deploy-mcp'= {
        }
        &'b00t;k8s;help;list'= {
        }
        &'b00t;k8s;help;logs'= {
        }
        &'b00t;k8s;help;delete'= {
        }
        &'b00t;k8s;help;restart-mcp'= {
        }
        &'b00t;k8s;help;status'= {
        }
        &'b00t;k8s;help;connect'= {
        }
        &'b00t;k8s;help;probe'= {
        }
        &'b00t;k8s;help;translate'= {
        }
        &'b00t;k8s;help;deploy'= {
        }
        &'b00t;k8s;help;help'= {
        }
        &'b00t;obi'= {
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand deploy 'Deploy the agent: a DaemonSet on every node (or a sidecar), validated config, waited for'
            cand status 'Health of the agent on every node: ready, resources, and whether it observes and exports'
            cand logs 'Logs of every agent pod merged by time, filtered by level'
            cand preflight 'Can the agent run here, and may you deploy it? (nodes, Pod Security, permissions)'
            cand config 'OBI configuration: validate a file, show, set or roll back the deployed one'
            cand upgrade 'Move the agent to another image; watch the rollout, roll back and explain on failure'
            cand undeploy 'Remove everything deploy created (cluster-wide RBAC included)'
            cand rules 'Write Prometheus alert rules for the OBI agent (obi-alerts.yaml)'
            cand sensor 'The embedded eBPF sensor: watch this machine''s TCP connections (needs root)'
            cand docker 'The agent as a plain Docker container, through the Docker API (DOCKER_HOST, the current docker context, else /var/run/docker.sock)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'b00t;obi;deploy'= {
            cand --mode 'One agent per node, or a sidecar in one Deployment''s pods'
            cand --target 'The Deployment to instrument (sidecar mode; in -n, else the context''s namespace)'
            cand --image 'Agent image repository, or a full reference with a tag or digest'
            cand --image-tag 'Image tag (default: main); also chooses the config key set to validate against'
            cand --config 'OBI config file (default: b00t''s config for the image tag: network and application metrics on a Prometheus port, internal metrics on)'
            cand --host-network 'Run in the node''s network namespace (default: on when the config enables network metrics)'
            cand --node-selector 'Only nodes with this label (repeatable)'
            cand --cpu-request 'CPU request (default 100m)'
            cand --memory-request 'Memory request (default 256Mi)'
            cand --cpu-limit 'CPU limit (default 1)'
            cand --memory-limit 'Memory limit (default 1Gi)'
            cand --otlp-endpoint 'OTLP endpoint (base URL); the protocol follows the port (4317 grpc, 4318 http/protobuf)'
            cand --otlp-protocol 'OTLP protocol when the port does not say (grpc, http/protobuf, http/json)'
            cand --otlp-headers 'OTLP headers (k=v,k2=v2), kept in a Secret'
            cand --cluster-name 'Cluster name the agent reports (default: the kubeconfig context''s name)'
            cand --open-port 'Sidecar: ports that select the application (default: the Deployment''s container ports)'
            cand --dry-run 'Print (client) or validate on the server (server) without changing anything'
            cand --timeout 'How long to wait for readiness (of each workload)'
            cand --progress-deadline 'Give up when the rollout makes no progress for this long'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --privileged 'Run the agent privileged instead of with a list of capabilities'
            cand --capabilities 'Run with a list of capabilities (the default)'
            cand --no-tolerations 'Do not tolerate every taint (by default the agent runs on tainted nodes too)'
            cand --skip-preflight 'Do not run preflight first'
            cand --wait 'Wait until ready (the default)'
            cand --no-wait 'Return as soon as the objects are applied'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;status'= {
            cand --cpu-budget 'CPU an agent may use per node before it counts as DEGRADED (e.g. 50m, 0.1)'
            cand --memory-budget 'Memory an agent may use per node before it counts as DEGRADED (e.g. 200Mi)'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;logs'= {
            cand --level 'Only lines at this level or above (lines without a level, such as panics, are kept)'
            cand --since 'Only lines newer than this (e.g. 10m, 1h)'
            cand --tail 'Lines per pod from the end'
            cand --grep 'Only lines matching this regular expression'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -f 'Keep streaming; picks up new and restarted pods'
            cand --follow 'Keep streaming; picks up new and restarted pods'
            cand --timestamps 'Prefix each line with its timestamp'
            cand -p 'Logs of the previous container instance'
            cand --previous 'Logs of the previous container instance'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;preflight'= {
            cand --mode 'How the agent will run'
            cand --target 'The Deployment to instrument (sidecar mode)'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;config'= {
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand validate 'Check a configuration file: unknown keys, types, values, deprecations and OBI''s start-up rules, for the OBI version of an image tag (exit 2 when there are errors)'
            cand show 'Print the deployed config (-o json adds the image, checksum and the previous config)'
            cand set 'Validate a file for the deployed image, store it, and roll the agents when it changed'
            cand rollback 'Put back the config that was deployed before the last `config set`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'b00t;obi;config;validate'= {
            cand --image-tag 'Image tag whose OBI version to check against (`main`, `latest` and unknown tags: every known version)'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;config;show'= {
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;config;set'= {
            cand --timeout 'How long the rollout (and a rollback) may take'
            cand --progress-deadline 'Give up when the rollout makes no progress for this long'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --no-restart 'Update the ConfigMap only; the agents keep the old config until they restart'
            cand --no-rollback 'Leave a failed rollout as it is (exit 1) instead of putting back the previous image and config (exit 7)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;config;rollback'= {
            cand --timeout 'How long the rollout (and a rollback) may take'
            cand --progress-deadline 'Give up when the rollout makes no progress for this long'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --no-restart 'Update the ConfigMap only; the agents keep the old config until they restart'
            cand --no-rollback 'Leave a failed rollout as it is (exit 1) instead of putting back the previous image and config (exit 7)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;config;help'= {
            cand validate 'Check a configuration file: unknown keys, types, values, deprecations and OBI''s start-up rules, for the OBI version of an image tag (exit 2 when there are errors)'
            cand show 'Print the deployed config (-o json adds the image, checksum and the previous config)'
            cand set 'Validate a file for the deployed image, store it, and roll the agents when it changed'
            cand rollback 'Put back the config that was deployed before the last `config set`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'b00t;obi;config;help;validate'= {
        }
        &'b00t;obi;config;help;show'= {
        }
        &'b00t;obi;config;help;set'= {
        }
        &'b00t;obi;config;help;rollback'= {
        }
        &'b00t;obi;config;help;help'= {
        }
        &'b00t;obi;upgrade'= {
            cand --image-tag 'The tag to upgrade to (the repository stays)'
            cand --image 'Another image repository or full reference'
            cand --timeout 'How long the rollout (and a rollback) may take'
            cand --progress-deadline 'Give up when the rollout makes no progress for this long'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --no-rollback 'Leave a failed rollout as it is (exit 1) instead of putting back the previous image and config (exit 7)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;undeploy'= {
            cand --mode 'How the agent runs'
            cand --target 'The Deployment whose sidecar to remove (sidecar mode)'
            cand --timeout 'How long to wait for the pods to be gone'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --keep-config 'Keep the config ConfigMap(s)'
            cand --delete-namespace 'Also delete the namespace (only when b00t created it)'
            cand --no-wait 'Return without waiting for the agent pods to be gone'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;rules'= {
            cand --out 'Directory to write obi-alerts.yaml into (created when missing)'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;sensor'= {
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand probe 'Report what this machine supports (privileges, BTF, tracefs, tracepoints, program and map types) and whether `run` will work; exit 5 when privileges are missing, 3 when the kernel lacks what is needed'
            cand run 'Watch this machine''s TCP connections: a live table of flows, JSON Lines (-o json), a Prometheus endpoint and OTLP export (needs root or CAP_BPF+CAP_PERFMON+CAP_DAC_READ_SEARCH)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'b00t;obi;sensor;probe'= {
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;sensor;run'= {
            cand --duration 'Stop after this long (e.g. 30s, 5m, 1h); default: until Ctrl-C or SIGTERM'
            cand --pid 'Only connections of this process id (filtered in the kernel)'
            cand --comm 'Only processes whose command name (comm) matches this regular expression'
            cand --port 'Only connections with this local or remote port (filtered in the kernel)'
            cand --interval 'How often to print a summary of the flows (and export OTLP)'
            cand --prometheus 'Serve metrics in the Prometheus text format on this address (e.g. 127.0.0.1:9400)'
            cand --otlp-endpoint 'Export metrics with OTLP/HTTP protobuf to URL/v1/metrics (e.g. http://127.0.0.1:4318)'
            cand --top 'Flows shown per table (busiest first)'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;sensor;help'= {
            cand probe 'Report what this machine supports (privileges, BTF, tracefs, tracepoints, program and map types) and whether `run` will work; exit 5 when privileges are missing, 3 when the kernel lacks what is needed'
            cand run 'Watch this machine''s TCP connections: a live table of flows, JSON Lines (-o json), a Prometheus endpoint and OTLP export (needs root or CAP_BPF+CAP_PERFMON+CAP_DAC_READ_SEARCH)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'b00t;obi;sensor;help;probe'= {
        }
        &'b00t;obi;sensor;help;run'= {
        }
        &'b00t;obi;sensor;help;help'= {
        }
        &'b00t;obi;docker'= {
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand deploy 'Run the agent as a container (pid and network of the host, validated config), wait for its metrics; deploying the same settings again changes nothing'
            cand status 'State, uptime, restarts, CPU and memory, and whether the agent observes and exports'
            cand logs 'The agent container''s logs, filtered by level'
            cand stop 'Stop the agent and remove its container and config file (--keep: only stop)'
            cand compose 'Write a compose file (and the config) that runs the agent as deploy does'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'b00t;obi;docker;deploy'= {
            cand --name 'Container name'
            cand --image 'Agent image repository, or a full reference with a tag or digest'
            cand --image-tag 'Image tag (default: main); also chooses the config key set to validate against'
            cand --config 'OBI config file (default: b00t''s config for the image tag: network and application metrics on Prometheus port 9400, internal metrics on 9401, Kubernetes metadata off)'
            cand --otlp-endpoint 'OTLP endpoint (base URL); the protocol follows the port (4317 grpc, 4318 http/protobuf)'
            cand --otlp-protocol 'OTLP protocol when the port does not say (grpc, http/protobuf, http/json)'
            cand --cluster-name 'Cluster name the agent reports (OTEL_EBPF_KUBE_CLUSTER_NAME; unset: the agent asks cloud metadata services)'
            cand --host-id 'Host id the agent reports (OTEL_EBPF_HOST_ID; unset: the agent looks it up)'
            cand --memory 'Memory limit (e.g. 512m, 1g)'
            cand --cpus 'CPU limit (e.g. 0.5, 2)'
            cand --pull 'When to pull the image'
            cand --timeout 'Give up waiting for the agent''s metrics after this long'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --privileged 'Run the agent privileged instead of with a list of capabilities'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;docker;status'= {
            cand --name 'Container name'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;docker;logs'= {
            cand --name 'Container name'
            cand --level 'Only lines at this level or above (lines without a level, such as panics, are kept)'
            cand --since 'Only lines newer than this (e.g. 10m, 1h)'
            cand --tail 'Lines from the end'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -f 'Keep streaming until the container stops'
            cand --follow 'Keep streaming until the container stops'
            cand --timestamps 'Prefix each line with its timestamp'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;docker;stop'= {
            cand --name 'Container name'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --keep 'Only stop: keep the container and its config file'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;docker;compose'= {
            cand --name 'Container name'
            cand --image 'Agent image repository, or a full reference with a tag or digest'
            cand --image-tag 'Image tag (default: main); also chooses the config key set to validate against'
            cand --config 'OBI config file (default: b00t''s config for the image tag: network and application metrics on Prometheus port 9400, internal metrics on 9401, Kubernetes metadata off)'
            cand --otlp-endpoint 'OTLP endpoint (base URL); the protocol follows the port (4317 grpc, 4318 http/protobuf)'
            cand --otlp-protocol 'OTLP protocol when the port does not say (grpc, http/protobuf, http/json)'
            cand --cluster-name 'Cluster name the agent reports (OTEL_EBPF_KUBE_CLUSTER_NAME; unset: the agent asks cloud metadata services)'
            cand --host-id 'Host id the agent reports (OTEL_EBPF_HOST_ID; unset: the agent looks it up)'
            cand --memory 'Memory limit (e.g. 512m, 1g)'
            cand --cpus 'CPU limit (e.g. 0.5, 2)'
            cand --out 'Directory to write compose.yaml and obi-config.yml into (created when missing)'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --privileged 'Run the agent privileged instead of with a list of capabilities'
            cand --with-collector 'Also run an OpenTelemetry Collector that receives OTLP from the agent'
            cand --legacy-capabilities 'Capabilities for engines before Docker 23 (no BPF, PERFMON, CHECKPOINT_RESTORE)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;obi;docker;help'= {
            cand deploy 'Run the agent as a container (pid and network of the host, validated config), wait for its metrics; deploying the same settings again changes nothing'
            cand status 'State, uptime, restarts, CPU and memory, and whether the agent observes and exports'
            cand logs 'The agent container''s logs, filtered by level'
            cand stop 'Stop the agent and remove its container and config file (--keep: only stop)'
            cand compose 'Write a compose file (and the config) that runs the agent as deploy does'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'b00t;obi;docker;help;deploy'= {
        }
        &'b00t;obi;docker;help;status'= {
        }
        &'b00t;obi;docker;help;logs'= {
        }
        &'b00t;obi;docker;help;stop'= {
        }
        &'b00t;obi;docker;help;compose'= {
        }
        &'b00t;obi;docker;help;help'= {
        }
        &'b00t;obi;help'= {
            cand deploy 'Deploy the agent: a DaemonSet on every node (or a sidecar), validated config, waited for'
            cand status 'Health of the agent on every node: ready, resources, and whether it observes and exports'
            cand logs 'Logs of every agent pod merged by time, filtered by level'
            cand preflight 'Can the agent run here, and may you deploy it? (nodes, Pod Security, permissions)'
            cand config 'OBI configuration: validate a file, show, set or roll back the deployed one'
            cand upgrade 'Move the agent to another image; watch the rollout, roll back and explain on failure'
            cand undeploy 'Remove everything deploy created (cluster-wide RBAC included)'
            cand rules 'Write Prometheus alert rules for the OBI agent (obi-alerts.yaml)'
            cand sensor 'The embedded eBPF sensor: watch this machine''s TCP connections (needs root)'
            cand docker 'The agent as a plain Docker container, through the Docker API (DOCKER_HOST, the current docker context, else /var/run/docker.sock)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'b00t;obi;help;deploy'= {
        }
        &'b00t;obi;help;status'= {
        }
        &'b00t;obi;help;logs'= {
        }
        &'b00t;obi;help;preflight'= {
        }
        &'b00t;obi;help;config'= {
            cand validate 'Check a configuration file: unknown keys, types, values, deprecations and OBI''s start-up rules, for the OBI version of an image tag (exit 2 when there are errors)'
            cand show 'Print the deployed config (-o json adds the image, checksum and the previous config)'
            cand set 'Validate a file for the deployed image, store it, and roll the agents when it changed'
            cand rollback 'Put back the config that was deployed before the last `config set`'
        }
        &'b00t;obi;help;config;validate'= {
        }
        &'b00t;obi;help;config;show'= {
        }
        &'b00t;obi;help;config;set'= {
        }
        &'b00t;obi;help;config;rollback'= {
        }
        &'b00t;obi;help;upgrade'= {
        }
        &'b00t;obi;help;undeploy'= {
        }
        &'b00t;obi;help;rules'= {
        }
        &'b00t;obi;help;sensor'= {
            cand probe 'Report what this machine supports (privileges, BTF, tracefs, tracepoints, program and map types) and whether `run` will work; exit 5 when privileges are missing, 3 when the kernel lacks what is needed'
            cand run 'Watch this machine''s TCP connections: a live table of flows, JSON Lines (-o json), a Prometheus endpoint and OTLP export (needs root or CAP_BPF+CAP_PERFMON+CAP_DAC_READ_SEARCH)'
        }
        &'b00t;obi;help;sensor;probe'= {
        }
        &'b00t;obi;help;sensor;run'= {
        }
        &'b00t;obi;help;docker'= {
            cand deploy 'Run the agent as a container (pid and network of the host, validated config), wait for its metrics; deploying the same settings again changes nothing'
            cand status 'State, uptime, restarts, CPU and memory, and whether the agent observes and exports'
            cand logs 'The agent container''s logs, filtered by level'
            cand stop 'Stop the agent and remove its container and config file (--keep: only stop)'
            cand compose 'Write a compose file (and the config) that runs the agent as deploy does'
        }
        &'b00t;obi;help;docker;deploy'= {
        }
        &'b00t;obi;help;docker;status'= {
        }
        &'b00t;obi;help;docker;logs'= {
        }
        &'b00t;obi;help;docker;stop'= {
        }
        &'b00t;obi;help;docker;compose'= {
        }
        &'b00t;obi;help;help'= {
        }
        &'b00t;mcp'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Serve every b00t use case as an MCP tool (stdio, or streamable HTTP with --http)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'b00t;mcp;serve'= {
            cand --http 'Serve streamable HTTP at http://ADDR/mcp instead of stdio (e.g. 127.0.0.1:8765)'
            cand --token-env 'With --http: require `Authorization: Bearer <token>`, the token read from this env var'
            cand --toolsets 'Tool groups to offer (comma-separated: k8s, obi, docker, sensor)'
            cand --request-timeout 'Give up on a single API request after this long (e.g. 30s, 1m)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand --listen-any 'Allow --http on a non-loopback address'
            cand --read-only 'Offer only tools that change nothing'
            cand --disable-destructive 'Offer no tool that deletes or stops anything'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;mcp;help'= {
            cand serve 'Serve every b00t use case as an MCP tool (stdio, or streamable HTTP with --http)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'b00t;mcp;help;serve'= {
        }
        &'b00t;mcp;help;help'= {
        }
        &'b00t;completions'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;man'= {
            cand --dir 'Directory to write the pages into'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (k8s list and status: several, separated by commas)'
            cand -n 'Namespace (default: the context''s, else "default")'
            cand --namespace 'Namespace (default: the context''s, else "default")'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --path 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)'
            cand -A 'Read across all namespaces'
            cand --all-namespaces 'Read across all namespaces'
            cand --json 'Same as -o json'
            cand -v 'More logs on stderr (-v, -vv)'
            cand --verbose 'More logs on stderr (-v, -vv)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'b00t;help'= {
            cand k8s 'MCP servers and applications on Kubernetes'
            cand obi 'The OBI eBPF agent and the embedded eBPF sensor (also runs as `obi`)'
            cand mcp 'b00t as an MCP server: every use case as a tool'
            cand completions 'Print a shell completion script'
            cand man 'Write man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'b00t;help;k8s'= {
            cand deploy-mcp 'Deploy an MCP server from its datum (<name>.mcp.toml)'
            cand list 'List b00t-managed workloads (every pod with --all)'
            cand logs 'Logs of every pod and container of a workload, merged by time'
            cand delete 'Delete everything b00t created for a workload'
            cand restart-mcp 'Rolling restart of an MCP server'
            cand status 'Health of one workload, or of the cluster'
            cand connect 'A local stdio MCP endpoint for a deployed MCP server (the command of an MCP client)'
            cand probe 'MCP initialize + tools/list against a deployed MCP server, as a health check'
            cand translate 'Translate a Dockerfile or compose file into Kubernetes objects (no cluster needed)'
            cand deploy 'Translate a Dockerfile or compose file (or take an image) and apply it'
        }
        &'b00t;help;k8s;deploy-mcp'= {
        }
        &'b00t;help;k8s;list'= {
        }
        &'b00t;help;k8s;logs'= {
        }
        &'b00t;help;k8s;delete'= {
        }
        &'b00t;help;k8s;restart-mcp'= {
        }
        &'b00t;help;k8s;status'= {
        }
        &'b00t;help;k8s;connect'= {
        }
        &'b00t;help;k8s;probe'= {
        }
        &'b00t;help;k8s;translate'= {
        }
        &'b00t;help;k8s;deploy'= {
        }
        &'b00t;help;obi'= {
            cand deploy 'Deploy the agent: a DaemonSet on every node (or a sidecar), validated config, waited for'
            cand status 'Health of the agent on every node: ready, resources, and whether it observes and exports'
            cand logs 'Logs of every agent pod merged by time, filtered by level'
            cand preflight 'Can the agent run here, and may you deploy it? (nodes, Pod Security, permissions)'
            cand config 'OBI configuration: validate a file, show, set or roll back the deployed one'
            cand upgrade 'Move the agent to another image; watch the rollout, roll back and explain on failure'
            cand undeploy 'Remove everything deploy created (cluster-wide RBAC included)'
            cand rules 'Write Prometheus alert rules for the OBI agent (obi-alerts.yaml)'
            cand sensor 'The embedded eBPF sensor: watch this machine''s TCP connections (needs root)'
            cand docker 'The agent as a plain Docker container, through the Docker API (DOCKER_HOST, the current docker context, else /var/run/docker.sock)'
        }
        &'b00t;help;obi;deploy'= {
        }
        &'b00t;help;obi;status'= {
        }
        &'b00t;help;obi;logs'= {
        }
        &'b00t;help;obi;preflight'= {
        }
        &'b00t;help;obi;config'= {
            cand validate 'Check a configuration file: unknown keys, types, values, deprecations and OBI''s start-up rules, for the OBI version of an image tag (exit 2 when there are errors)'
            cand show 'Print the deployed config (-o json adds the image, checksum and the previous config)'
            cand set 'Validate a file for the deployed image, store it, and roll the agents when it changed'
            cand rollback 'Put back the config that was deployed before the last `config set`'
        }
        &'b00t;help;obi;config;validate'= {
        }
        &'b00t;help;obi;config;show'= {
        }
        &'b00t;help;obi;config;set'= {
        }
        &'b00t;help;obi;config;rollback'= {
        }
        &'b00t;help;obi;upgrade'= {
        }
        &'b00t;help;obi;undeploy'= {
        }
        &'b00t;help;obi;rules'= {
        }
        &'b00t;help;obi;sensor'= {
            cand probe 'Report what this machine supports (privileges, BTF, tracefs, tracepoints, program and map types) and whether `run` will work; exit 5 when privileges are missing, 3 when the kernel lacks what is needed'
            cand run 'Watch this machine''s TCP connections: a live table of flows, JSON Lines (-o json), a Prometheus endpoint and OTLP export (needs root or CAP_BPF+CAP_PERFMON+CAP_DAC_READ_SEARCH)'
        }
        &'b00t;help;obi;sensor;probe'= {
        }
        &'b00t;help;obi;sensor;run'= {
        }
        &'b00t;help;obi;docker'= {
            cand deploy 'Run the agent as a container (pid and network of the host, validated config), wait for its metrics; deploying the same settings again changes nothing'
            cand status 'State, uptime, restarts, CPU and memory, and whether the agent observes and exports'
            cand logs 'The agent container''s logs, filtered by level'
            cand stop 'Stop the agent and remove its container and config file (--keep: only stop)'
            cand compose 'Write a compose file (and the config) that runs the agent as deploy does'
        }
        &'b00t;help;obi;docker;deploy'= {
        }
        &'b00t;help;obi;docker;status'= {
        }
        &'b00t;help;obi;docker;logs'= {
        }
        &'b00t;help;obi;docker;stop'= {
        }
        &'b00t;help;obi;docker;compose'= {
        }
        &'b00t;help;mcp'= {
            cand serve 'Serve every b00t use case as an MCP tool (stdio, or streamable HTTP with --http)'
        }
        &'b00t;help;mcp;serve'= {
        }
        &'b00t;help;completions'= {
        }
        &'b00t;help;man'= {
        }
        &'b00t;help;help'= {
        }
    ]
    $completions[$command]
}
