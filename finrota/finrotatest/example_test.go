package finrotatest_test

import (
	"context"
	"fmt"

	"github.com/paykit-go/paykit/finrota"
	"github.com/paykit-go/paykit/finrota/finrotatest"
)

// Client points a finrota client at the simulator with the key pair it
// accepts; options passed to it are applied last.
func ExampleServer_Client() {
	srv := finrotatest.NewServer()
	defer srv.Close()
	c, err := srv.Client(finrota.WithUserAgent("shop/1"))
	if err != nil {
		panic(err)
	}
	wt, err := c.Widget.CreateToken(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(wt.Token != "", srv.AccessTokensIssued())
	// Output: true 1
}
