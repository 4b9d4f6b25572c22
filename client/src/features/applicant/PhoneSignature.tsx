import { useCallback, useEffect, useState } from 'react';
import type { DeclarationView } from '@tongban/shared/signature/signature';
import type { CallClient } from '../call/rtc/CallClient';
import { RtcError } from '../call/rtc/signalling';
import { SignatureSheet } from '../signature/SignatureSheet';

/**
 * The applicant signs on their phone, in the call: the declaration (申请人承诺) from the server,
 * the pad full screen; once sent, the session comes back with the signature and the phone moves on.
 */
export function PhoneSignature({ client, onDone }: { client: CallClient; onDone(): void }) {
  const [declaration, setDeclaration] = useState<DeclarationView | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const load = useCallback(() => {
    setLoadError(null);
    client.declaration().then(setDeclaration, setLoadError);
  }, [client]);
  useEffect(load, [load]);

  return (
    <SignatureSheet
      declaration={declaration}
      loadError={loadError}
      onCancel={onDone}
      onSubmit={async (drawn) => {
        try {
          await client.sign({ ...drawn, declarationSha256: declaration!.sha256 });
        } catch (e) {
          // The day turned while the sheet was open: the text to read again is fetched.
          if (e instanceof RtcError && e.code === 'SIGNATURE_DECLARATION_CHANGED') load();
          throw e;
        }
        onDone();
      }}
    />
  );
}
