
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'b00t' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'b00t'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'b00t' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('k8s', 'k8s', [CompletionResultType]::ParameterValue, 'MCP servers and applications on Kubernetes')
            [CompletionResult]::new('obi', 'obi', [CompletionResultType]::ParameterValue, 'The OBI eBPF agent and the embedded eBPF sensor (also runs as `obi`)')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'b00t as an MCP server: every use case as a tool')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'b00t;k8s' {
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('deploy-mcp', 'deploy-mcp', [CompletionResultType]::ParameterValue, 'Deploy an MCP server from its datum (<name>.mcp.toml)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List b00t-managed workloads (every pod with --all)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List b00t-managed workloads (every pod with --all)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Logs of every pod and container of a workload, merged by time')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete everything b00t created for a workload')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete everything b00t created for a workload')
            [CompletionResult]::new('restart-mcp', 'restart-mcp', [CompletionResultType]::ParameterValue, 'Rolling restart of an MCP server')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Health of one workload, or of the cluster')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'A local stdio MCP endpoint for a deployed MCP server (the command of an MCP client)')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'MCP initialize + tools/list against a deployed MCP server, as a health check')
            [CompletionResult]::new('translate', 'translate', [CompletionResultType]::ParameterValue, 'Translate a Dockerfile or compose file into Kubernetes objects (no cluster needed)')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Translate a Dockerfile or compose file (or take an image) and apply it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'b00t;k8s;deploy-mcp' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Server name: the datum <name>.mcp.toml')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Server name: the datum <name>.mcp.toml')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Image to run (overrides the datum and the defaults)')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Number of replicas')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Extra environment variable (repeatable); secret-looking names go into a Secret')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Extra environment variable (repeatable); secret-looking names go into a Secret')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print (client) or validate on the server (server) without changing anything')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for readiness (of each workload)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)')
            [CompletionResult]::new('--pull', '--pull', [CompletionResultType]::ParameterName, 'With --runtime docker: when to pull the image')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until ready (the default)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return as soon as the objects are applied')
            [CompletionResult]::new('--publish-all-interfaces', '--publish-all-interfaces', [CompletionResultType]::ParameterName, 'With --runtime docker: publish ports on every interface, not only 127.0.0.1')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;k8s;list' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only this type')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Label selector (e.g. app.kubernetes.io/name=github)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Label selector (e.g. app.kubernetes.io/name=github)')
            [CompletionResult]::new('--mcp-path', '--mcp-path', [CompletionResultType]::ParameterName, 'Path of an HTTP server''s MCP endpoint')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every pod, not only b00t-managed workloads')
            [CompletionResult]::new('--probe', '--probe', [CompletionResultType]::ParameterName, 'Also run an MCP handshake (initialize + tools/list) with every MCP server')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Every context of the kubeconfig, concurrently (rows get a CONTEXT column)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;k8s;ls' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only this type')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Label selector (e.g. app.kubernetes.io/name=github)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Label selector (e.g. app.kubernetes.io/name=github)')
            [CompletionResult]::new('--mcp-path', '--mcp-path', [CompletionResultType]::ParameterName, 'Path of an HTTP server''s MCP endpoint')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every pod, not only b00t-managed workloads')
            [CompletionResult]::new('--probe', '--probe', [CompletionResultType]::ParameterName, 'Also run an MCP handshake (initialize + tools/list) with every MCP server')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Every context of the kubeconfig, concurrently (rows get a CONTEXT column)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;k8s;logs' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only lines newer than this (e.g. 10m, 1h)')
            [CompletionResult]::new('--since-time', '--since-time', [CompletionResultType]::ParameterName, 'Only lines after this RFC 3339 time')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Lines per container from the end')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Only this container')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'Only this container')
            [CompletionResult]::new('--grep', '--grep', [CompletionResultType]::ParameterName, 'Only lines matching this regular expression')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep streaming; picks up new and restarted pods')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep streaming; picks up new and restarted pods')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Logs of the previous container instance')
            [CompletionResult]::new('--previous', '--previous', [CompletionResultType]::ParameterName, 'Logs of the previous container instance')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Prefix each line with its timestamp')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;k8s;delete' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait with --wait')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every b00t-managed workload in the namespace')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask (required with --all when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask (required with --all when stdin is not a terminal)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until everything is gone')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;k8s;rm' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait with --wait')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every b00t-managed workload in the namespace')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask (required with --all when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask (required with --all when stdin is not a terminal)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until everything is gone')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;k8s;restart-mcp' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait with --wait')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Watch the rollout until it completes')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;k8s;status' {
            [CompletionResult]::new('--mcp-path', '--mcp-path', [CompletionResultType]::ParameterName, 'Path of an HTTP server''s MCP endpoint')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--probe', '--probe', [CompletionResultType]::ParameterName, 'Also run an MCP handshake (initialize + tools/list) with the workload''s server')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Every context of the kubeconfig, concurrently (one entry per context)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;k8s;connect' {
            [CompletionResult]::new('--mcp-path', '--mcp-path', [CompletionResultType]::ParameterName, 'Path of an HTTP server''s MCP endpoint')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;k8s;probe' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on initialize + tools/list after this long')
            [CompletionResult]::new('--mcp-path', '--mcp-path', [CompletionResultType]::ParameterName, 'Path of an HTTP server''s MCP endpoint')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;k8s;translate' {
            [CompletionResult]::new('--from-dockerfile', '--from-dockerfile', [CompletionResultType]::ParameterName, 'Dockerfile to translate')
            [CompletionResult]::new('--from-compose', '--from-compose', [CompletionResultType]::ParameterName, 'Compose file(s) to translate, merged in order (repeatable)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Application name (app.kubernetes.io/name; default: the compose project or directory name)')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Image to run (Dockerfile, or a single-service compose project)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Dockerfile stage to translate (default: the last)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Compose profile to enable (repeatable)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write one file per object (<kind>-<name>.yaml) into this directory')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 2) when the translation produced warnings')
            [CompletionResult]::new('--wait-deps', '--wait-deps', [CompletionResultType]::ParameterName, 'Turn depends_on into initContainers that wait for the dependency''s Service port')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;k8s;deploy' {
            [CompletionResult]::new('--from-dockerfile', '--from-dockerfile', [CompletionResultType]::ParameterName, 'Dockerfile to translate and deploy (its image: --image, else <name>:latest)')
            [CompletionResult]::new('--from-compose', '--from-compose', [CompletionResultType]::ParameterName, 'Compose file(s) to translate and deploy, merged in order')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Deploy a plain image as one workload (or the image of --from-dockerfile)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Application name (default: the compose project, directory or image name)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Extra environment variable for every container (repeatable); secret-looking names go into a Secret')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Extra environment variable for every container (repeatable); secret-looking names go into a Secret')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Dockerfile stage (default: the last)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Compose profile to enable (repeatable)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print (client) or validate on the server (server) without changing anything')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for readiness (of each workload)')
            [CompletionResult]::new('--runtime', '--runtime', [CompletionResultType]::ParameterName, 'Where workloads run (default: B00T_RUNTIME, then `runtime` in ~/.config/b00t/config.toml, then kubernetes)')
            [CompletionResult]::new('--pull', '--pull', [CompletionResultType]::ParameterName, 'With --runtime docker: when to pull the image')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--from-stdin', '--from-stdin', [CompletionResultType]::ParameterName, 'Read a compose file from stdin')
            [CompletionResult]::new('--wait-deps', '--wait-deps', [CompletionResultType]::ParameterName, 'Turn depends_on into initContainers that wait for the dependency''s Service port')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until ready (the default)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return as soon as the objects are applied')
            [CompletionResult]::new('--publish-all-interfaces', '--publish-all-interfaces', [CompletionResultType]::ParameterName, 'With --runtime docker: publish ports on every interface, not only 127.0.0.1')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;k8s;help' {
            [CompletionResult]::new('deploy-mcp', 'deploy-mcp', [CompletionResultType]::ParameterValue, 'Deploy an MCP server from its datum (<name>.mcp.toml)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List b00t-managed workloads (every pod with --all)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Logs of every pod and container of a workload, merged by time')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete everything b00t created for a workload')
            [CompletionResult]::new('restart-mcp', 'restart-mcp', [CompletionResultType]::ParameterValue, 'Rolling restart of an MCP server')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Health of one workload, or of the cluster')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'A local stdio MCP endpoint for a deployed MCP server (the command of an MCP client)')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'MCP initialize + tools/list against a deployed MCP server, as a health check')
            [CompletionResult]::new('translate', 'translate', [CompletionResultType]::ParameterValue, 'Translate a Dockerfile or compose file into Kubernetes objects (no cluster needed)')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Translate a Dockerfile or compose file (or take an image) and apply it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'b00t;k8s;help;deploy-mcp' {
            break
        }
        'b00t;k8s;help;list' {
            break
        }
        'b00t;k8s;help;logs' {
            break
        }
        'b00t;k8s;help;delete' {
            break
        }
        'b00t;k8s;help;restart-mcp' {
            break
        }
        'b00t;k8s;help;status' {
            break
        }
        'b00t;k8s;help;connect' {
            break
        }
        'b00t;k8s;help;probe' {
            break
        }
        'b00t;k8s;help;translate' {
            break
        }
        'b00t;k8s;help;deploy' {
            break
        }
        'b00t;k8s;help;help' {
            break
        }
        'b00t;obi' {
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Deploy the agent: a DaemonSet on every node (or a sidecar), validated config, waited for')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Health of the agent on every node: ready, resources, and whether it observes and exports')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Logs of every agent pod merged by time, filtered by level')
            [CompletionResult]::new('preflight', 'preflight', [CompletionResultType]::ParameterValue, 'Can the agent run here, and may you deploy it? (nodes, Pod Security, permissions)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'OBI configuration: validate a file, show, set or roll back the deployed one')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Move the agent to another image; watch the rollout, roll back and explain on failure')
            [CompletionResult]::new('undeploy', 'undeploy', [CompletionResultType]::ParameterValue, 'Remove everything deploy created (cluster-wide RBAC included)')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'Write Prometheus alert rules for the OBI agent (obi-alerts.yaml)')
            [CompletionResult]::new('sensor', 'sensor', [CompletionResultType]::ParameterValue, 'The embedded eBPF sensor: watch this machine''s TCP connections (needs root)')
            [CompletionResult]::new('docker', 'docker', [CompletionResultType]::ParameterValue, 'The agent as a plain Docker container, through the Docker API (DOCKER_HOST, the current docker context, else /var/run/docker.sock)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'b00t;obi;deploy' {
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'One agent per node, or a sidecar in one Deployment''s pods')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'The Deployment to instrument (sidecar mode; in -n, else the context''s namespace)')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Agent image repository, or a full reference with a tag or digest')
            [CompletionResult]::new('--image-tag', '--image-tag', [CompletionResultType]::ParameterName, 'Image tag (default: main); also chooses the config key set to validate against')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'OBI config file (default: b00t''s config for the image tag: network and application metrics on a Prometheus port, internal metrics on)')
            [CompletionResult]::new('--host-network', '--host-network', [CompletionResultType]::ParameterName, 'Run in the node''s network namespace (default: on when the config enables network metrics)')
            [CompletionResult]::new('--node-selector', '--node-selector', [CompletionResultType]::ParameterName, 'Only nodes with this label (repeatable)')
            [CompletionResult]::new('--cpu-request', '--cpu-request', [CompletionResultType]::ParameterName, 'CPU request (default 100m)')
            [CompletionResult]::new('--memory-request', '--memory-request', [CompletionResultType]::ParameterName, 'Memory request (default 256Mi)')
            [CompletionResult]::new('--cpu-limit', '--cpu-limit', [CompletionResultType]::ParameterName, 'CPU limit (default 1)')
            [CompletionResult]::new('--memory-limit', '--memory-limit', [CompletionResultType]::ParameterName, 'Memory limit (default 1Gi)')
            [CompletionResult]::new('--otlp-endpoint', '--otlp-endpoint', [CompletionResultType]::ParameterName, 'OTLP endpoint (base URL); the protocol follows the port (4317 grpc, 4318 http/protobuf)')
            [CompletionResult]::new('--otlp-protocol', '--otlp-protocol', [CompletionResultType]::ParameterName, 'OTLP protocol when the port does not say (grpc, http/protobuf, http/json)')
            [CompletionResult]::new('--otlp-headers', '--otlp-headers', [CompletionResultType]::ParameterName, 'OTLP headers (k=v,k2=v2), kept in a Secret')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'Cluster name the agent reports (default: the kubeconfig context''s name)')
            [CompletionResult]::new('--open-port', '--open-port', [CompletionResultType]::ParameterName, 'Sidecar: ports that select the application (default: the Deployment''s container ports)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print (client) or validate on the server (server) without changing anything')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for readiness (of each workload)')
            [CompletionResult]::new('--progress-deadline', '--progress-deadline', [CompletionResultType]::ParameterName, 'Give up when the rollout makes no progress for this long')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--privileged', '--privileged', [CompletionResultType]::ParameterName, 'Run the agent privileged instead of with a list of capabilities')
            [CompletionResult]::new('--capabilities', '--capabilities', [CompletionResultType]::ParameterName, 'Run with a list of capabilities (the default)')
            [CompletionResult]::new('--no-tolerations', '--no-tolerations', [CompletionResultType]::ParameterName, 'Do not tolerate every taint (by default the agent runs on tainted nodes too)')
            [CompletionResult]::new('--skip-preflight', '--skip-preflight', [CompletionResultType]::ParameterName, 'Do not run preflight first')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until ready (the default)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return as soon as the objects are applied')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;status' {
            [CompletionResult]::new('--cpu-budget', '--cpu-budget', [CompletionResultType]::ParameterName, 'CPU an agent may use per node before it counts as DEGRADED (e.g. 50m, 0.1)')
            [CompletionResult]::new('--memory-budget', '--memory-budget', [CompletionResultType]::ParameterName, 'Memory an agent may use per node before it counts as DEGRADED (e.g. 200Mi)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;logs' {
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Only lines at this level or above (lines without a level, such as panics, are kept)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only lines newer than this (e.g. 10m, 1h)')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Lines per pod from the end')
            [CompletionResult]::new('--grep', '--grep', [CompletionResultType]::ParameterName, 'Only lines matching this regular expression')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep streaming; picks up new and restarted pods')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep streaming; picks up new and restarted pods')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Prefix each line with its timestamp')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Logs of the previous container instance')
            [CompletionResult]::new('--previous', '--previous', [CompletionResultType]::ParameterName, 'Logs of the previous container instance')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;preflight' {
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'How the agent will run')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'The Deployment to instrument (sidecar mode)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;config' {
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check a configuration file: unknown keys, types, values, deprecations and OBI''s start-up rules, for the OBI version of an image tag (exit 2 when there are errors)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the deployed config (-o json adds the image, checksum and the previous config)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Validate a file for the deployed image, store it, and roll the agents when it changed')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Put back the config that was deployed before the last `config set`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'b00t;obi;config;validate' {
            [CompletionResult]::new('--image-tag', '--image-tag', [CompletionResultType]::ParameterName, 'Image tag whose OBI version to check against (`main`, `latest` and unknown tags: every known version)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;config;show' {
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;config;set' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long the rollout (and a rollback) may take')
            [CompletionResult]::new('--progress-deadline', '--progress-deadline', [CompletionResultType]::ParameterName, 'Give up when the rollout makes no progress for this long')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--no-restart', '--no-restart', [CompletionResultType]::ParameterName, 'Update the ConfigMap only; the agents keep the old config until they restart')
            [CompletionResult]::new('--no-rollback', '--no-rollback', [CompletionResultType]::ParameterName, 'Leave a failed rollout as it is (exit 1) instead of putting back the previous image and config (exit 7)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;config;rollback' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long the rollout (and a rollback) may take')
            [CompletionResult]::new('--progress-deadline', '--progress-deadline', [CompletionResultType]::ParameterName, 'Give up when the rollout makes no progress for this long')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--no-restart', '--no-restart', [CompletionResultType]::ParameterName, 'Update the ConfigMap only; the agents keep the old config until they restart')
            [CompletionResult]::new('--no-rollback', '--no-rollback', [CompletionResultType]::ParameterName, 'Leave a failed rollout as it is (exit 1) instead of putting back the previous image and config (exit 7)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;config;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check a configuration file: unknown keys, types, values, deprecations and OBI''s start-up rules, for the OBI version of an image tag (exit 2 when there are errors)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the deployed config (-o json adds the image, checksum and the previous config)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Validate a file for the deployed image, store it, and roll the agents when it changed')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Put back the config that was deployed before the last `config set`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'b00t;obi;config;help;validate' {
            break
        }
        'b00t;obi;config;help;show' {
            break
        }
        'b00t;obi;config;help;set' {
            break
        }
        'b00t;obi;config;help;rollback' {
            break
        }
        'b00t;obi;config;help;help' {
            break
        }
        'b00t;obi;upgrade' {
            [CompletionResult]::new('--image-tag', '--image-tag', [CompletionResultType]::ParameterName, 'The tag to upgrade to (the repository stays)')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Another image repository or full reference')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long the rollout (and a rollback) may take')
            [CompletionResult]::new('--progress-deadline', '--progress-deadline', [CompletionResultType]::ParameterName, 'Give up when the rollout makes no progress for this long')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--no-rollback', '--no-rollback', [CompletionResultType]::ParameterName, 'Leave a failed rollout as it is (exit 1) instead of putting back the previous image and config (exit 7)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;undeploy' {
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'How the agent runs')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'The Deployment whose sidecar to remove (sidecar mode)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the pods to be gone')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--keep-config', '--keep-config', [CompletionResultType]::ParameterName, 'Keep the config ConfigMap(s)')
            [CompletionResult]::new('--delete-namespace', '--delete-namespace', [CompletionResultType]::ParameterName, 'Also delete the namespace (only when b00t created it)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return without waiting for the agent pods to be gone')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;rules' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write obi-alerts.yaml into (created when missing)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;sensor' {
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Report what this machine supports (privileges, BTF, tracefs, tracepoints, program and map types) and whether `run` will work; exit 5 when privileges are missing, 3 when the kernel lacks what is needed')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Watch this machine''s TCP connections: a live table of flows, JSON Lines (-o json), a Prometheus endpoint and OTLP export (needs root or CAP_BPF+CAP_PERFMON+CAP_DAC_READ_SEARCH)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'b00t;obi;sensor;probe' {
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;sensor;run' {
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop after this long (e.g. 30s, 5m, 1h); default: until Ctrl-C or SIGTERM')
            [CompletionResult]::new('--pid', '--pid', [CompletionResultType]::ParameterName, 'Only connections of this process id (filtered in the kernel)')
            [CompletionResult]::new('--comm', '--comm', [CompletionResultType]::ParameterName, 'Only processes whose command name (comm) matches this regular expression')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Only connections with this local or remote port (filtered in the kernel)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'How often to print a summary of the flows (and export OTLP)')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'Serve metrics in the Prometheus text format on this address (e.g. 127.0.0.1:9400)')
            [CompletionResult]::new('--otlp-endpoint', '--otlp-endpoint', [CompletionResultType]::ParameterName, 'Export metrics with OTLP/HTTP protobuf to URL/v1/metrics (e.g. http://127.0.0.1:4318)')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'Flows shown per table (busiest first)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;sensor;help' {
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Report what this machine supports (privileges, BTF, tracefs, tracepoints, program and map types) and whether `run` will work; exit 5 when privileges are missing, 3 when the kernel lacks what is needed')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Watch this machine''s TCP connections: a live table of flows, JSON Lines (-o json), a Prometheus endpoint and OTLP export (needs root or CAP_BPF+CAP_PERFMON+CAP_DAC_READ_SEARCH)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'b00t;obi;sensor;help;probe' {
            break
        }
        'b00t;obi;sensor;help;run' {
            break
        }
        'b00t;obi;sensor;help;help' {
            break
        }
        'b00t;obi;docker' {
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Run the agent as a container (pid and network of the host, validated config), wait for its metrics; deploying the same settings again changes nothing')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'State, uptime, restarts, CPU and memory, and whether the agent observes and exports')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'The agent container''s logs, filtered by level')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the agent and remove its container and config file (--keep: only stop)')
            [CompletionResult]::new('compose', 'compose', [CompletionResultType]::ParameterValue, 'Write a compose file (and the config) that runs the agent as deploy does')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'b00t;obi;docker;deploy' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Container name')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Agent image repository, or a full reference with a tag or digest')
            [CompletionResult]::new('--image-tag', '--image-tag', [CompletionResultType]::ParameterName, 'Image tag (default: main); also chooses the config key set to validate against')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'OBI config file (default: b00t''s config for the image tag: network and application metrics on Prometheus port 9400, internal metrics on 9401, Kubernetes metadata off)')
            [CompletionResult]::new('--otlp-endpoint', '--otlp-endpoint', [CompletionResultType]::ParameterName, 'OTLP endpoint (base URL); the protocol follows the port (4317 grpc, 4318 http/protobuf)')
            [CompletionResult]::new('--otlp-protocol', '--otlp-protocol', [CompletionResultType]::ParameterName, 'OTLP protocol when the port does not say (grpc, http/protobuf, http/json)')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'Cluster name the agent reports (OTEL_EBPF_KUBE_CLUSTER_NAME; unset: the agent asks cloud metadata services)')
            [CompletionResult]::new('--host-id', '--host-id', [CompletionResultType]::ParameterName, 'Host id the agent reports (OTEL_EBPF_HOST_ID; unset: the agent looks it up)')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory limit (e.g. 512m, 1g)')
            [CompletionResult]::new('--cpus', '--cpus', [CompletionResultType]::ParameterName, 'CPU limit (e.g. 0.5, 2)')
            [CompletionResult]::new('--pull', '--pull', [CompletionResultType]::ParameterName, 'When to pull the image')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting for the agent''s metrics after this long')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--privileged', '--privileged', [CompletionResultType]::ParameterName, 'Run the agent privileged instead of with a list of capabilities')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;docker;status' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Container name')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;docker;logs' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Container name')
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Only lines at this level or above (lines without a level, such as panics, are kept)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only lines newer than this (e.g. 10m, 1h)')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Lines from the end')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep streaming until the container stops')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep streaming until the container stops')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Prefix each line with its timestamp')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;docker;stop' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Container name')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Only stop: keep the container and its config file')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;docker;compose' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Container name')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Agent image repository, or a full reference with a tag or digest')
            [CompletionResult]::new('--image-tag', '--image-tag', [CompletionResultType]::ParameterName, 'Image tag (default: main); also chooses the config key set to validate against')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'OBI config file (default: b00t''s config for the image tag: network and application metrics on Prometheus port 9400, internal metrics on 9401, Kubernetes metadata off)')
            [CompletionResult]::new('--otlp-endpoint', '--otlp-endpoint', [CompletionResultType]::ParameterName, 'OTLP endpoint (base URL); the protocol follows the port (4317 grpc, 4318 http/protobuf)')
            [CompletionResult]::new('--otlp-protocol', '--otlp-protocol', [CompletionResultType]::ParameterName, 'OTLP protocol when the port does not say (grpc, http/protobuf, http/json)')
            [CompletionResult]::new('--cluster-name', '--cluster-name', [CompletionResultType]::ParameterName, 'Cluster name the agent reports (OTEL_EBPF_KUBE_CLUSTER_NAME; unset: the agent asks cloud metadata services)')
            [CompletionResult]::new('--host-id', '--host-id', [CompletionResultType]::ParameterName, 'Host id the agent reports (OTEL_EBPF_HOST_ID; unset: the agent looks it up)')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Memory limit (e.g. 512m, 1g)')
            [CompletionResult]::new('--cpus', '--cpus', [CompletionResultType]::ParameterName, 'CPU limit (e.g. 0.5, 2)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write compose.yaml and obi-config.yml into (created when missing)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--privileged', '--privileged', [CompletionResultType]::ParameterName, 'Run the agent privileged instead of with a list of capabilities')
            [CompletionResult]::new('--with-collector', '--with-collector', [CompletionResultType]::ParameterName, 'Also run an OpenTelemetry Collector that receives OTLP from the agent')
            [CompletionResult]::new('--legacy-capabilities', '--legacy-capabilities', [CompletionResultType]::ParameterName, 'Capabilities for engines before Docker 23 (no BPF, PERFMON, CHECKPOINT_RESTORE)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;obi;docker;help' {
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Run the agent as a container (pid and network of the host, validated config), wait for its metrics; deploying the same settings again changes nothing')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'State, uptime, restarts, CPU and memory, and whether the agent observes and exports')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'The agent container''s logs, filtered by level')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the agent and remove its container and config file (--keep: only stop)')
            [CompletionResult]::new('compose', 'compose', [CompletionResultType]::ParameterValue, 'Write a compose file (and the config) that runs the agent as deploy does')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'b00t;obi;docker;help;deploy' {
            break
        }
        'b00t;obi;docker;help;status' {
            break
        }
        'b00t;obi;docker;help;logs' {
            break
        }
        'b00t;obi;docker;help;stop' {
            break
        }
        'b00t;obi;docker;help;compose' {
            break
        }
        'b00t;obi;docker;help;help' {
            break
        }
        'b00t;obi;help' {
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Deploy the agent: a DaemonSet on every node (or a sidecar), validated config, waited for')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Health of the agent on every node: ready, resources, and whether it observes and exports')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Logs of every agent pod merged by time, filtered by level')
            [CompletionResult]::new('preflight', 'preflight', [CompletionResultType]::ParameterValue, 'Can the agent run here, and may you deploy it? (nodes, Pod Security, permissions)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'OBI configuration: validate a file, show, set or roll back the deployed one')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Move the agent to another image; watch the rollout, roll back and explain on failure')
            [CompletionResult]::new('undeploy', 'undeploy', [CompletionResultType]::ParameterValue, 'Remove everything deploy created (cluster-wide RBAC included)')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'Write Prometheus alert rules for the OBI agent (obi-alerts.yaml)')
            [CompletionResult]::new('sensor', 'sensor', [CompletionResultType]::ParameterValue, 'The embedded eBPF sensor: watch this machine''s TCP connections (needs root)')
            [CompletionResult]::new('docker', 'docker', [CompletionResultType]::ParameterValue, 'The agent as a plain Docker container, through the Docker API (DOCKER_HOST, the current docker context, else /var/run/docker.sock)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'b00t;obi;help;deploy' {
            break
        }
        'b00t;obi;help;status' {
            break
        }
        'b00t;obi;help;logs' {
            break
        }
        'b00t;obi;help;preflight' {
            break
        }
        'b00t;obi;help;config' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check a configuration file: unknown keys, types, values, deprecations and OBI''s start-up rules, for the OBI version of an image tag (exit 2 when there are errors)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the deployed config (-o json adds the image, checksum and the previous config)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Validate a file for the deployed image, store it, and roll the agents when it changed')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Put back the config that was deployed before the last `config set`')
            break
        }
        'b00t;obi;help;config;validate' {
            break
        }
        'b00t;obi;help;config;show' {
            break
        }
        'b00t;obi;help;config;set' {
            break
        }
        'b00t;obi;help;config;rollback' {
            break
        }
        'b00t;obi;help;upgrade' {
            break
        }
        'b00t;obi;help;undeploy' {
            break
        }
        'b00t;obi;help;rules' {
            break
        }
        'b00t;obi;help;sensor' {
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Report what this machine supports (privileges, BTF, tracefs, tracepoints, program and map types) and whether `run` will work; exit 5 when privileges are missing, 3 when the kernel lacks what is needed')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Watch this machine''s TCP connections: a live table of flows, JSON Lines (-o json), a Prometheus endpoint and OTLP export (needs root or CAP_BPF+CAP_PERFMON+CAP_DAC_READ_SEARCH)')
            break
        }
        'b00t;obi;help;sensor;probe' {
            break
        }
        'b00t;obi;help;sensor;run' {
            break
        }
        'b00t;obi;help;docker' {
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Run the agent as a container (pid and network of the host, validated config), wait for its metrics; deploying the same settings again changes nothing')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'State, uptime, restarts, CPU and memory, and whether the agent observes and exports')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'The agent container''s logs, filtered by level')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the agent and remove its container and config file (--keep: only stop)')
            [CompletionResult]::new('compose', 'compose', [CompletionResultType]::ParameterValue, 'Write a compose file (and the config) that runs the agent as deploy does')
            break
        }
        'b00t;obi;help;docker;deploy' {
            break
        }
        'b00t;obi;help;docker;status' {
            break
        }
        'b00t;obi;help;docker;logs' {
            break
        }
        'b00t;obi;help;docker;stop' {
            break
        }
        'b00t;obi;help;docker;compose' {
            break
        }
        'b00t;obi;help;help' {
            break
        }
        'b00t;mcp' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve every b00t use case as an MCP tool (stdio, or streamable HTTP with --http)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'b00t;mcp;serve' {
            [CompletionResult]::new('--http', '--http', [CompletionResultType]::ParameterName, 'Serve streamable HTTP at http://ADDR/mcp instead of stdio (e.g. 127.0.0.1:8765)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'With --http: require `Authorization: Bearer <token>`, the token read from this env var')
            [CompletionResult]::new('--toolsets', '--toolsets', [CompletionResultType]::ParameterName, 'Tool groups to offer (comma-separated: k8s, obi, docker, sensor)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a single API request after this long (e.g. 30s, 1m)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('--listen-any', '--listen-any', [CompletionResultType]::ParameterName, 'Allow --http on a non-loopback address')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Offer only tools that change nothing')
            [CompletionResult]::new('--disable-destructive', '--disable-destructive', [CompletionResultType]::ParameterName, 'Offer no tool that deletes or stops anything')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;mcp;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve every b00t use case as an MCP tool (stdio, or streamable HTTP with --http)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'b00t;mcp;help;serve' {
            break
        }
        'b00t;mcp;help;help' {
            break
        }
        'b00t;completions' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Directory to write the pages into')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, several files merged, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (k8s list and status: several, separated by commas)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s, else "default")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Datum directory (default: ~/.b00t/_b00t_, then ~/.dotfiles/_b00t_)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Read across all namespaces')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as -o json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More logs on stderr (-v, -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'b00t;help' {
            [CompletionResult]::new('k8s', 'k8s', [CompletionResultType]::ParameterValue, 'MCP servers and applications on Kubernetes')
            [CompletionResult]::new('obi', 'obi', [CompletionResultType]::ParameterValue, 'The OBI eBPF agent and the embedded eBPF sensor (also runs as `obi`)')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'b00t as an MCP server: every use case as a tool')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'b00t;help;k8s' {
            [CompletionResult]::new('deploy-mcp', 'deploy-mcp', [CompletionResultType]::ParameterValue, 'Deploy an MCP server from its datum (<name>.mcp.toml)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List b00t-managed workloads (every pod with --all)')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Logs of every pod and container of a workload, merged by time')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete everything b00t created for a workload')
            [CompletionResult]::new('restart-mcp', 'restart-mcp', [CompletionResultType]::ParameterValue, 'Rolling restart of an MCP server')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Health of one workload, or of the cluster')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'A local stdio MCP endpoint for a deployed MCP server (the command of an MCP client)')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'MCP initialize + tools/list against a deployed MCP server, as a health check')
            [CompletionResult]::new('translate', 'translate', [CompletionResultType]::ParameterValue, 'Translate a Dockerfile or compose file into Kubernetes objects (no cluster needed)')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Translate a Dockerfile or compose file (or take an image) and apply it')
            break
        }
        'b00t;help;k8s;deploy-mcp' {
            break
        }
        'b00t;help;k8s;list' {
            break
        }
        'b00t;help;k8s;logs' {
            break
        }
        'b00t;help;k8s;delete' {
            break
        }
        'b00t;help;k8s;restart-mcp' {
            break
        }
        'b00t;help;k8s;status' {
            break
        }
        'b00t;help;k8s;connect' {
            break
        }
        'b00t;help;k8s;probe' {
            break
        }
        'b00t;help;k8s;translate' {
            break
        }
        'b00t;help;k8s;deploy' {
            break
        }
        'b00t;help;obi' {
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Deploy the agent: a DaemonSet on every node (or a sidecar), validated config, waited for')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Health of the agent on every node: ready, resources, and whether it observes and exports')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Logs of every agent pod merged by time, filtered by level')
            [CompletionResult]::new('preflight', 'preflight', [CompletionResultType]::ParameterValue, 'Can the agent run here, and may you deploy it? (nodes, Pod Security, permissions)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'OBI configuration: validate a file, show, set or roll back the deployed one')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Move the agent to another image; watch the rollout, roll back and explain on failure')
            [CompletionResult]::new('undeploy', 'undeploy', [CompletionResultType]::ParameterValue, 'Remove everything deploy created (cluster-wide RBAC included)')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'Write Prometheus alert rules for the OBI agent (obi-alerts.yaml)')
            [CompletionResult]::new('sensor', 'sensor', [CompletionResultType]::ParameterValue, 'The embedded eBPF sensor: watch this machine''s TCP connections (needs root)')
            [CompletionResult]::new('docker', 'docker', [CompletionResultType]::ParameterValue, 'The agent as a plain Docker container, through the Docker API (DOCKER_HOST, the current docker context, else /var/run/docker.sock)')
            break
        }
        'b00t;help;obi;deploy' {
            break
        }
        'b00t;help;obi;status' {
            break
        }
        'b00t;help;obi;logs' {
            break
        }
        'b00t;help;obi;preflight' {
            break
        }
        'b00t;help;obi;config' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check a configuration file: unknown keys, types, values, deprecations and OBI''s start-up rules, for the OBI version of an image tag (exit 2 when there are errors)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the deployed config (-o json adds the image, checksum and the previous config)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Validate a file for the deployed image, store it, and roll the agents when it changed')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Put back the config that was deployed before the last `config set`')
            break
        }
        'b00t;help;obi;config;validate' {
            break
        }
        'b00t;help;obi;config;show' {
            break
        }
        'b00t;help;obi;config;set' {
            break
        }
        'b00t;help;obi;config;rollback' {
            break
        }
        'b00t;help;obi;upgrade' {
            break
        }
        'b00t;help;obi;undeploy' {
            break
        }
        'b00t;help;obi;rules' {
            break
        }
        'b00t;help;obi;sensor' {
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Report what this machine supports (privileges, BTF, tracefs, tracepoints, program and map types) and whether `run` will work; exit 5 when privileges are missing, 3 when the kernel lacks what is needed')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Watch this machine''s TCP connections: a live table of flows, JSON Lines (-o json), a Prometheus endpoint and OTLP export (needs root or CAP_BPF+CAP_PERFMON+CAP_DAC_READ_SEARCH)')
            break
        }
        'b00t;help;obi;sensor;probe' {
            break
        }
        'b00t;help;obi;sensor;run' {
            break
        }
        'b00t;help;obi;docker' {
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Run the agent as a container (pid and network of the host, validated config), wait for its metrics; deploying the same settings again changes nothing')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'State, uptime, restarts, CPU and memory, and whether the agent observes and exports')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'The agent container''s logs, filtered by level')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the agent and remove its container and config file (--keep: only stop)')
            [CompletionResult]::new('compose', 'compose', [CompletionResultType]::ParameterValue, 'Write a compose file (and the config) that runs the agent as deploy does')
            break
        }
        'b00t;help;obi;docker;deploy' {
            break
        }
        'b00t;help;obi;docker;status' {
            break
        }
        'b00t;help;obi;docker;logs' {
            break
        }
        'b00t;help;obi;docker;stop' {
            break
        }
        'b00t;help;obi;docker;compose' {
            break
        }
        'b00t;help;mcp' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve every b00t use case as an MCP tool (stdio, or streamable HTTP with --http)')
            break
        }
        'b00t;help;mcp;serve' {
            break
        }
        'b00t;help;completions' {
            break
        }
        'b00t;help;man' {
            break
        }
        'b00t;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
