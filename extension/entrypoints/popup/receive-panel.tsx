import Button from "@mui/material/Button";
import { useState } from "react";
import { encode } from "uqr";

/** The address as a QR code: one SVG path of the dark modules, with the quiet zone QR readers need. */
function AddressQrCode({ address }: { address: string }) {
  const qr = encode(address, { border: 2 });
  const path = qr.data.flatMap((row, y) => row.map((dark, x) => (dark ? `M${x} ${y}h1v1h-1z` : ""))).join("");
  return (
    <svg
      viewBox={`0 0 ${qr.size} ${qr.size}`}
      className="h-44 w-44 bg-white"
      shapeRendering="crispEdges"
      role="img"
      aria-label={`QR code of ${address}`}
      data-testid="receive-qr"
    >
      <path d={path} fill="#000" />
    </svg>
  );
}

/** Receive: the full address (not shortened: people compare it character by character), a copy button and its QR code. */
export default function ReceivePanel({ address }: { address: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <section className="flex flex-col items-center gap-3 py-2" data-testid="receive-panel">
      <AddressQrCode address={address} />
      <p className="break-all text-center font-mono text-sm" data-testid="receive-address">
        {address}
      </p>
      <Button
        variant="outlined"
        onClick={async () => {
          await navigator.clipboard.writeText(address);
          setCopied(true);
        }}
      >
        {copied ? "Copied" : "Copy address"}
      </Button>
      <p className="text-center text-xs text-[#536471]">Send only Solana (SOL) and Solana tokens to this address.</p>
    </section>
  );
}
