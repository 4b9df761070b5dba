package coordinator

import (
	"context"
	"strings"
	"testing"

	"k8s.io/client-go/rest"
)

func TestCancelRefusesUnknownModes(t *testing.T) {
	err := Cancel(context.Background(), &rest.Config{Host: "https://127.0.0.1:1"}, "ns", "r", "Stop")
	if err == nil || !strings.Contains(err.Error(), `cancel mode "Stop" is not one of`) {
		t.Fatalf("Cancel with a bad mode: %v", err)
	}
}
