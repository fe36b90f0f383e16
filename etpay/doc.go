// Package etpay is a client for ETpay, the Chilean and Mexican bank-transfer
// payment funnel: create a payment session, send the payer to the funnel,
// verify the JWT notification ETpay posts back, and confirm the outcome with
// the payment-status call.
//
// ETpay hands every merchant two URLs per environment, the API URL and the
// payment (funnel) URL, plus a merchant code and API token that travel in the
// JSON body of every call. Both URLs are required configuration; WithSandbox
// sets the known sandbox pair.
//
//	c, err := etpay.NewClient(etpay.Credentials{MerchantCode: code, MerchantAPIToken: tok},
//	    etpay.WithAPIURL(apiURL), etpay.WithPaymentURL(pmtURL))
//	s, err := c.Sessions.Create(ctx, &etpay.SessionRequest{OrderID: "OC700104", Amount: 2000})
//	// store s.SignatureToken with the order, send the payer to s.RedirectURL
//
// ETpay has no idempotency keys: a session or status call that may have
// reached the server is never sent again by this package. Look the order up
// with Payments.Status before trying again.
//
// Documentation: https://etpay.notion.site (the merchant integration guides).
package etpay
