// How the Tekton steps run (securityContext), and why where it is not Pod Security "restricted": the reasons
// are written into the generated Tasks and README, so they travel with the files.

/** Pod Security "restricted": the default of every Tekton step. */
export const RESTRICTED = {
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
/** The group every step shares, so files one step writes to the workspace are readable by the next. */
export const FS_GROUP = RESTRICTED.runAsGroup;
/**
 * A step that must run as root (system packages): still no privilege escalation and the runtime's seccomp profile;
 * the default capabilities stay, as in a container job of GitHub Actions or GitLab CI.
 */
export const ROOT = { runAsNonRoot: false, runAsUser: 0, allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' } };
/**
 * Why Buildah runs as root (in the task description, so the reason travels with the file). Verified against
 * containers/buildah contrib/buildahimage/Containerfile (user `build` with /etc/subuid ranges, newuidmap/newgidmap
 * given file capabilities by `rpm --setcaps shadow-utils`), docs.docker.com/engine/security/seccomp (the default
 * profile blocks unshare and namespace-creating clone without CAP_SYS_ADMIN) and tektoncd/pipeline
 * pkg/apis/pipeline/pod/template.go (no hostUsers field).
 */
export const BUILDAH_WHY_ROOT =
  'Runs as root, unprivileged (vfs storage, chroot isolation): a non-root Buildah must create a user namespace with ' +
  'subordinate IDs, which needs the file-capability helpers newuidmap/newgidmap (allowPrivilegeEscalation plus SETUID/SETGID) ' +
  'and unshare(CLONE_NEWUSER), refused by the RuntimeDefault seccomp profile without CAP_SYS_ADMIN: more privilege, not less. ' +
  'Isolate it further with a sandboxed RuntimeClass (podTemplate.runtimeClassName) or nodes with user namespaces.';

/** The README paragraph of the Tekton runbook on how the steps run. */
export const TEKTON_SECURITY_README =
  `Tekton steps run as user ${RESTRICTED.runAsUser} under Pod Security *restricted*, with \`fsGroup: ${FS_GROUP}\` on every run so they can write the ` +
  'workspace volume. These run as root, so the CI namespace needs Pod Security *baseline*: the Buildah build and push tasks ' +
  '(a non-root Buildah needs a user namespace with subordinate IDs: the file-capability helpers newuidmap/newgidmap, i.e. ' +
  '`allowPrivilegeEscalation` with SETUID/SETGID, and `unshare(CLONE_NEWUSER)`, which the RuntimeDefault seccomp profile refuses ' +
  'without CAP_SYS_ADMIN; that is more privilege than a root step without `privileged`), `make tools` in the validation task ' +
  '(shellcheck from apt), and the test task only when a Go gRPC service needs protoc from apk. For stronger isolation run ' +
  'the builds with a sandboxed RuntimeClass (`podTemplate.runtimeClassName`).';
