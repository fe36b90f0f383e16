// Package finrota is a client for the Finrota payment API and its FinrotaPay
// widget (Turkey).
//
// The widget flow has ten steps split between the merchant's backend, the
// buyer's browser and Finrota; this package is the backend half:
//
//  1. The backend obtains an access token (done for you, cached, never
//     exported: it must not reach a browser).
//  2. Widget.CreateToken makes a WidgetToken, one per payment, valid for 20
//     minutes. It is the only thing the page passes to FinrotaPay.init.
//  3. The widget takes the card, lists installments and calls
//     preparePayment; its onSuccess event hands the page a prepare token.
//     onSuccess does NOT mean paid: nothing has been charged yet.
//  4. The page posts the prepare token to the backend, which calls
//     Widget.Pay. The result is a 3-D Secure redirect (send the buyer to
//     RedirectURL), a completed direct sale, or a *DeclineError.
//  5. After 3-D Secure the buyer comes back to the return URL;
//     Transactions.ConfirmReturn looks the payment up with Finrota, since
//     nothing on the return request is signed.
//
// Token kinds are distinct Go types (WidgetToken, PrepareToken,
// InstallmentToken) so the mistakes Finrota's documentation warns about
// (initialising the widget with the access token, paying with the widget
// token) do not compile.
//
// Reference: Finrota's widget integration guide (sections 4 "Widget
// Integration", 5 "Widget Payment Flow" and 6 "Widget Token Generation")
// and its pws transaction, cancel and refund endpoints. Facts the guide
// leaves open (the transaction-details shape, status ids other than 1, the
// refund amount field) are marked [unsure] where they are used.
package finrota
