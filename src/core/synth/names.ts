import type {Rng} from '../util/rng.js'

const BRANDS = ['Acme', 'Nordic', 'Lumio', 'Verde', 'Kato', 'Orion', 'Bello', 'Zenith', 'Aurora', 'Pioneer', 'Maple', 'Solis', 'Vega', 'Hanse', 'Rivo', 'Tessa']
const ADJECTIVES = ['Classic', 'Compact', 'Premium', 'Eco', 'Pro', 'Mini', 'Smart', 'Soft', 'Ultra', 'Vintage', 'Travel', 'Organic']
const CATEGORIES = [
  'Running Shoes', 'Wireless Earbuds', 'Coffee Maker', 'Yoga Mat', 'Desk Lamp', 'Backpack', 'Phone Case', 'Face Cream',
  'Water Bottle', 'Office Chair', 'T-Shirt', 'Blender', 'Notebook', 'Sunglasses', 'Cookware Set', 'Smart Watch',
  'Shampoo', 'Board Game', 'Throw Pillow', 'Bluetooth Speaker',
]
const VARIANTS = ['Black', 'White', 'Oak', 'Blue', 'Red', 'Large', 'Small', '2-Pack']

/** A product name carrying brand and category words; a few hold commas or quotes, as real names do. */
export function productName(rng: Rng): string {
  const base = `${BRANDS[rng.int(BRANDS.length)]} ${ADJECTIVES[rng.int(ADJECTIVES.length)]} ${CATEGORIES[rng.int(CATEGORIES.length)]}`
  const roll = rng.next()
  if (roll < 0.05) return `${base}, ${VARIANTS[rng.int(VARIANTS.length)]}`
  if (roll < 0.07) return `${base} ${10 + rng.int(40)}" Edition`
  return base
}
