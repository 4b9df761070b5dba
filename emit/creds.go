package emit

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// creds finds the credentials Tekton's creds-init would set up for a
// service account that is in the input: each of its secrets (in the input)
// annotated tekton.dev/git-* or tekton.dev/docker-*, or of a Docker config
// type, is mounted at /tekton/creds-secrets/NAME, and the step wrapper gets
// the flags that make it write them into $HOME.
func (c *compilation) creds(sa string) (flags []string, vols []corev1.Volume, mounts []corev1.VolumeMount) {
	if sa == "" {
		sa = "default"
	}
	d := c.prog.Other("ServiceAccount", sa)
	if d == nil {
		return nil, nil, nil
	}
	seen := map[string]bool{}
	for _, e := range d.Root.Get("secrets").Items() {
		name := e.Str("name")
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		s := c.prog.Other("Secret", name)
		if s == nil {
			continue
		}
		typ := s.Root.Str("type")
		ann := s.Root.Path("metadata", "annotations")
		var keys []string
		for k := range ann.Entries() {
			keys = append(keys, k.Value)
		}
		slices.Sort(keys)
		var f []string
		for _, k := range keys {
			url := ann.Str(k)
			switch {
			case strings.HasPrefix(k, "tekton.dev/docker-") && typ == string(corev1.SecretTypeBasicAuth):
				f = append(f, "--basic-docker="+name+"="+url)
			case strings.HasPrefix(k, "tekton.dev/git-") && typ == string(corev1.SecretTypeBasicAuth):
				f = append(f, "--basic-git="+name+"="+url)
			case strings.HasPrefix(k, "tekton.dev/git-") && typ == string(corev1.SecretTypeSSHAuth):
				f = append(f, "--ssh-git="+name+"="+url)
			}
		}
		switch typ {
		case string(corev1.SecretTypeDockerConfigJson):
			f = append(f, "--docker-config="+name)
		case string(corev1.SecretTypeDockercfg):
			f = append(f, "--docker-cfg="+name)
		}
		if len(f) == 0 {
			continue
		}
		flags = append(flags, f...)
		vol := shorten("pipec-creds-"+name, maxName)
		vols = append(vols, corev1.Volume{Name: vol, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: name}}})
		mounts = append(mounts, corev1.VolumeMount{Name: vol, MountPath: credsDir + "/" + name, ReadOnly: true})
	}
	return flags, vols, mounts
}
