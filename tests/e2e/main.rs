//! End-to-end tests against a real cluster. They run only when `B00T_E2E_KUBECONFIG` names a
//! kubeconfig (kind, k3d, minikube); otherwise each test returns early with a message.
