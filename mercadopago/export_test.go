package mercadopago

import "github.com/paykit-go/paykit"

// SetBeforeRefresh makes src call f under the seller's lock just before it
// sends the refresh (a test pauses the holder there).
func SetBeforeRefresh(src *SellerTokenSource, f func(paykit.Lease)) { src.beforeRefresh = f }
