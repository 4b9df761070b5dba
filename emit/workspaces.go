package emit

import (
	"path"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pipec-dev/pipec/model"
	"github.com/pipec-dev/pipec/source"
)

// runWorkspace is a run's workspace binding, compiled once per run.
type runWorkspace struct {
	source  corev1.VolumeSource
	claim   string // the claim's name, for a PVC or a volumeClaimTemplate
	subPath string
	rwo     bool // a ReadWriteOnce claim, which parallel pods must share a node for
	node    *source.Node
}

// boundWorkspace is a task's workspace as its pod mounts it.
type boundWorkspace struct {
	*runWorkspace
	volume  string // the pod's volume name
	subPath string // the run's and the pipeline task's, joined
}

// bindRunWorkspaces compiles a run's workspace bindings. Their strings may
// use the run's params (Tekton substitutes them). A volumeClaimTemplate
// becomes a PersistentVolumeClaim of the run, named RUN-ws-NAME.
func (rc *runContext) bindRunWorkspaces(ws []*model.RunWorkspace, sub *substituter) {
	rc.ws = map[string]*runWorkspace{}
	for _, w := range ws {
		if w.SourceNode == nil {
			continue // the checker reported it
		}
		rw := &runWorkspace{subPath: sub.text(w.SubPath.Value), node: w.Node}
		src := substAll(w.SourceNode.Any(), sub)
		if w.Source == "volumeClaimTemplate" {
			var pvc corev1.PersistentVolumeClaim
			if err := decodeAny(src, &pvc); err != nil {
				rc.c.errorf(w.SourceNode.Range(), CodeUnsupported, "volumeClaimTemplate: %v", err)
				continue
			}
			name := childName(rc.name, "ws-"+w.Name.Value)
			lbl := labels(rc.name, "")
			for k, v := range pvc.Labels {
				if _, ours := lbl[k]; !ours {
					lbl[k] = v
				}
			}
			pvc.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"}
			pvc.ObjectMeta = metav1.ObjectMeta{Name: name, Namespace: rc.ns, Labels: lbl, Annotations: pvc.Annotations}
			rc.objects = append(rc.objects, Object{Rank: rankClaim, Kind: "PersistentVolumeClaim", Name: name, Obj: &pvc})
			rw.source.PersistentVolumeClaim = &corev1.PersistentVolumeClaimVolumeSource{ClaimName: name}
			rw.claim = name
			rw.rwo = slices.Contains(pvc.Spec.AccessModes, corev1.ReadWriteOnce)
		} else {
			if err := decodeAny(map[string]any{w.Source: src}, &rw.source); err != nil {
				rc.c.errorf(w.SourceNode.Range(), CodeUnsupported, "workspace %q: %v", w.Name.Value, err)
				continue
			}
			if pvc := rw.source.PersistentVolumeClaim; pvc != nil {
				rw.claim = pvc.ClaimName
				rw.rwo = rc.c.claimIsRWO(pvc.ClaimName)
			}
		}
		rc.checkRunTimeFree(w.Node, src)
		rc.ws[w.Name.Value] = rw
	}
}

// claimIsRWO reports whether the input defines claim as ReadWriteOnce.
func (c *compilation) claimIsRWO(claim string) bool {
	d := c.prog.Other("PersistentVolumeClaim", claim)
	if d == nil {
		return false
	}
	for _, m := range d.Root.Path("spec", "accessModes").Items() {
		if m.Value == string(corev1.ReadWriteOnce) {
			return true
		}
	}
	return false
}

// checkRunTimeFree reports run-time values in v, which is fixed when the
// objects are created.
func (rc *runContext) checkRunTimeFree(at *source.Node, v any) bool {
	ok := true
	walkStrings(v, func(s string) {
		for _, r := range refsOfText(s) {
			if isRunTime(r) {
				rc.c.errorf(at.Range(), CodeRunTimeField, "%s depends on a value known only at run time", r.Text(s)).
					Explain("Volumes and their claims are fixed when the Job is created; use a param known when the run starts.")
				ok = false
			}
		}
	})
	return ok
}

// checkFixed reports run-time values and matrix params in v, a part of the
// pod that every pod of the Job shares and the kubelet needs at once.
func (tc *taskCompiler) checkFixed(at *source.Node, v any, what string, sub *substituter) bool {
	ok := true
	walkStrings(v, func(s string) {
		for _, r := range refsOfText(s) {
			rt, isRT := tc.classify(r)
			if !isRT || !ok {
				continue
			}
			ok = false
			at := locate(at, sub, r.Text(s))
			if rt.matrix {
				tc.c.errorf(at.Range(), CodeRunTimeField, "%s depends on the matrix param in %s, which differs between the task's pods", what, r.Text(s)).
					Explain("pipec compiles a matrix into one Indexed Job, whose pods share one template: only a step's script, command, args, env values and workingDir can differ between combinations. Split the task into one pipeline task per value, or pass the value to the steps.")
				continue
			}
			tc.c.errorf(at.Range(), CodeRunTimeField, "%s depends on %s, known only at run time", what, r.Text(s)).
				Explain("The kubelet needs it to create the pod, before the run produces the value; use a param known when the run starts.")
		}
	})
	return ok
}

// locate returns the string node under n whose substituted text holds
// text: the field to point at. It falls back on n.
func locate(n *source.Node, sub *substituter, text string) *source.Node {
	found := n
	source.Walk(n, func(_ []source.PathElem, v *source.Node) bool {
		if found == n && v.Kind == source.String && strings.Contains(sub.text(v.Value), text) {
			found = v
		}
		return found == n
	})
	return found
}

// bindTaskWorkspace binds one of a task's workspaces to a run's binding.
func bindTaskWorkspace(decl string, rw *runWorkspace, subPath string) *boundWorkspace {
	sp := rw.subPath
	if subPath != "" {
		sp = path.Join(sp, subPath)
	}
	return &boundWorkspace{runWorkspace: rw, volume: shorten("ws-"+decl, maxName), subPath: sp}
}

// workspaceMounts returns the mounts of the task's workspaces in s. A
// workspace that some step or sidecar names in its own workspaces is
// mounted only there (Tekton's isolated workspaces); the others everywhere.
func (tc *taskCompiler) workspaceMounts(s *stepDef) []corev1.VolumeMount {
	var out []corev1.VolumeMount
	for _, d := range tc.in.spec.Workspaces {
		b := tc.in.ws[d.Name.Value]
		if b == nil {
			continue
		}
		if tc.isolated[d.Name.Value] && !slices.ContainsFunc(s.usages, func(u model.Mount) bool { return u.Name.Value == d.Name.Value }) {
			continue
		}
		mp := tc.wsPath[d.Name.Value]
		for _, u := range s.usages {
			if u.Name.Value == d.Name.Value && u.MountPath.Value != "" {
				mp = u.MountPath.Value
			}
		}
		out = append(out, corev1.VolumeMount{Name: b.volume, MountPath: mp, SubPath: b.subPath, ReadOnly: d.ReadOnly})
	}
	return out
}

// mounts adds pipec's and the workspaces' mounts before the step's own.
// At one path, the step's own mount wins over a workspace's, and a
// workspace's over pipec's implicit ones (a workspace mounted at
// /workspace, say): a container cannot mount two volumes at one path.
func (tc *taskCompiler) mounts(c *corev1.Container, s *stepDef, wrapped bool, creds []corev1.VolumeMount) {
	var implicit []corev1.VolumeMount
	if wrapped {
		implicit = append(implicit, corev1.VolumeMount{Name: volPipec, MountPath: pipecDir})
	}
	if !s.sidecar {
		implicit = append(implicit,
			corev1.VolumeMount{Name: volResults, MountPath: resultsDir},
			corev1.VolumeMount{Name: volSteps, MountPath: stepsDir})
	}
	implicit = append(implicit, corev1.VolumeMount{Name: volWorkspace, MountPath: workspaceDir})
	if tc.credsPath && !s.sidecar {
		implicit = append(implicit, corev1.VolumeMount{Name: volCreds, MountPath: credsHome})
	}
	ws := tc.workspaceMounts(s)
	if wrapped && !s.sidecar {
		ws = append(ws, creds...)
	}
	taken := map[string]bool{}
	for _, m := range c.VolumeMounts {
		taken[m.MountPath] = true
	}
	var ms []corev1.VolumeMount
	for _, m := range ws {
		if !taken[m.MountPath] {
			ms = append(ms, m)
		}
	}
	for _, m := range ms {
		taken[m.MountPath] = true
	}
	var out []corev1.VolumeMount
	for _, m := range implicit {
		if !taken[m.MountPath] {
			out = append(out, m)
		}
	}
	out = append(out, ms...)
	c.VolumeMounts = append(out, c.VolumeMounts...)
}

// volumes returns the pod's volumes: pipec's, the workspaces', the
// credentials' and the task's own (substituted, as Tekton substitutes
// their names and sources).
func (tc *taskCompiler) volumes(wrapped bool, creds []corev1.Volume, pp phase) []corev1.Volume {
	empty := corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
	var vs []corev1.Volume
	if wrapped {
		vs = append(vs, corev1.Volume{Name: volPipec, VolumeSource: empty})
	}
	vs = append(vs,
		corev1.Volume{Name: volResults, VolumeSource: empty},
		corev1.Volume{Name: volSteps, VolumeSource: empty},
		corev1.Volume{Name: volWorkspace, VolumeSource: empty})
	if tc.credsPath {
		// Credentials in memory, as Tekton keeps /tekton/creds.
		vs = append(vs, corev1.Volume{Name: volCreds, VolumeSource: corev1.VolumeSource{
			EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}})
	}
	for _, d := range tc.in.spec.Workspaces {
		if b := tc.in.ws[d.Name.Value]; b != nil {
			vs = append(vs, corev1.Volume{Name: b.volume, VolumeSource: b.source})
		}
	}
	vs = append(vs, creds...)
	sub := tc.phases(pp, nil, nil)
	if tc.in.outer != nil {
		sub = tc.in.outer.then(sub.phases...)
	}
	for _, n := range tc.in.spec.VolumeNodes {
		v := substAll(n.Any(), sub)
		if !tc.checkFixed(n, v, "a volume", sub) {
			continue
		}
		var vol corev1.Volume
		if err := decodeAny(v, &vol); err != nil {
			tc.c.errorf(n.Range(), CodeUnsupported, "volume: %v", err)
			continue
		}
		vs = append(vs, vol)
	}
	return vs
}

// claimNames returns the claims the task's workspaces mount that are
// ReadWriteOnce.
func (tc *taskCompiler) rwoClaims() []string {
	var out []string
	for _, b := range tc.in.ws {
		if b.rwo && b.claim != "" {
			out = append(out, b.claim)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// claimLabel is the label a pod that mounts claim carries, so that the
// other pods of the run that mount it can ask to run beside it.
func claimLabel(claim string) string { return "claim.pipec.dev/" + shorten(claim, maxName) }

// shareNode gives pods that mount a ReadWriteOnce claim used by several of
// the run's tasks an affinity to each other's node, since such a claim can
// be attached to one node only; the first pod of a group may schedule
// anywhere because its own labels match its affinity.
func shareNode(pod *corev1.PodTemplateSpec, claims []string) {
	if len(claims) == 0 {
		return
	}
	if pod.Spec.Affinity == nil {
		pod.Spec.Affinity = &corev1.Affinity{}
	}
	if pod.Spec.Affinity.PodAffinity == nil {
		pod.Spec.Affinity.PodAffinity = &corev1.PodAffinity{}
	}
	pa := pod.Spec.Affinity.PodAffinity
	for _, cl := range claims {
		key := claimLabel(cl)
		pod.Labels[key] = "true"
		pa.RequiredDuringSchedulingIgnoredDuringExecution = append(pa.RequiredDuringSchedulingIgnoredDuringExecution, corev1.PodAffinityTerm{
			LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{key: "true"}},
			TopologyKey:   "kubernetes.io/hostname",
		})
	}
}
