import type { ImagePattern } from './selectorTypes';

/** An image reference cut into its parts, such as `registry:5000/app` + `1.2` + digest. */
export interface ImageReference {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

// What Docker lists as a container's image once its tag was removed or reused.
const IMAGE_ID = /^(?:sha256:)?[0-9a-f]{12,64}$/;

/** Splits a reference; the tag is after the last `:` that follows the last `/`. */
export function splitImageReference(reference: string): ImageReference {
  const at = reference.indexOf('@');
  const name = at < 0 ? reference : reference.slice(0, at);
  const digest = at < 0 ? undefined : reference.slice(at + 1);
  const colon = name.lastIndexOf(':');

  if (colon > name.lastIndexOf('/')) {
    return { repository: name.slice(0, colon), tag: name.slice(colon + 1), digest };
  }
  return { repository: name, digest };
}

/**
 * Decides what an `image=` pattern is compared with: with `@` the whole reference, with a
 * tag `repository:tag`, otherwise the repository alone, so `image=nginx` means every tag.
 */
export function imagePatternScope(source: string): ImagePattern['scope'] {
  if (source.includes('@')) {
    return 'reference';
  }
  return source.lastIndexOf(':') > source.lastIndexOf('/') ? 'tagged' : 'repository';
}

/**
 * The text of `image` a pattern of `scope` is compared with. A missing tag reads as
 * `latest`, as Docker resolves it; a digest-only reference has no tag and so no tagged text.
 */
export function imageTextFor(scope: ImagePattern['scope'], image: string): string | undefined {
  if (scope === 'reference' || IMAGE_ID.test(image)) {
    return image;
  }

  const { repository, tag, digest } = splitImageReference(image);
  if (scope === 'repository') {
    return repository;
  }
  if (tag !== undefined) {
    return `${repository}:${tag}`;
  }
  return digest === undefined ? `${repository}:latest` : undefined;
}
