export default defineBackground(() => {
  // The wallet, the message router and the outbox are registered here by the extension issue.
});
