/** The size the Chrome Web Store asks listing screenshots to be. */
export const LISTING_WIDTH = 1280;
export const LISTING_HEIGHT = 800;
