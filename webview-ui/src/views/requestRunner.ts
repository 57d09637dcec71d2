import type { RequestBody } from '../host/hostConnection';
import type { ButtonElement } from '../toolkit/elements';

/**
 * Carries out a page request: disables the button that asked until the host answers, and
 * reports a failure with a short title such as "Cancel".
 */
export type RequestRunner = (title: string, body: RequestBody, button?: ButtonElement) => void;
